/** One scenario per rule of spec/reintegration.md, on real directories: plan, apply, look at the target. */
import { statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planScenario, STAMP, runScenario } from '../../test/replay/scenario.js';
import { applyPlan } from './apply-plan.js';
import { formatPlanTable } from './report.js';
import { describeTree, dir, file, hardlink, symlink } from '../../test/replay/trees.js';

const base = { etc: dir(), 'etc/hosts': file('127.0.0.1 localhost\n'), 'etc/motd': file('hello\n'), bin: dir(), 'bin/sh': file('ELF sh\0', { mode: 0o755 }) };

describe('R1, R10: admin unchanged', () => {
  it('keeps update\'s entry and lists no step for it', async () => {
    const run = await runScenario({ base, admin: base, update: { ...base, 'etc/motd': file('release 2\n') } });
    expect(run.plan.steps).toEqual([]);
    expect(run.plan.unchanged).toBe(5);
    expect(describeTree(run.target)['/etc/motd']).toBe('F 644 0:0 @1700000000 release 2\n');
  });

  it('ignores an mtime-only change of the admin\'s (directory and file)', async () => {
    const admin = { ...base, 'etc/motd': file('hello\n', { mtime: 1_700_009_999 }) };
    const run = await runScenario({ base, admin, update: base });
    expect(run.plan.steps).toEqual([]);
    expect(describeTree(run.target)['/etc/motd']).toContain('@1700000000');
  });
});

describe('R2: admin changed, update unchanged', () => {
  it('carries a content change with its mtime, next to update\'s change of another file', async () => {
    const run = await runScenario({
      base, admin: { ...base, 'etc/hosts': file('10.0.0.1 box\n', { mtime: 1_700_000_500 }) }, update: { ...base, 'etc/motd': file('release 2\n') },
    });
    expect(run.step('/etc/hosts')).toMatchObject({ rule: 'R2', outcome: 'carried' });
    const t = describeTree(run.target);
    expect([t['/etc/hosts'], t['/etc/motd']]).toEqual(['F 644 0:0 @1700000500 10.0.0.1 box\n', 'F 644 0:0 @1700000000 release 2\n']);
  });

  it('applies a metadata-only change without touching content', async () => {
    const run = await runScenario({ base, admin: { ...base, 'etc/motd': file('hello\n', { mode: 0o600, gid: 3 }) }, update: { ...base, 'etc/hosts': file('x\n') } });
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R2', ops: [{ op: 'meta' }] });
    expect(describeTree(run.target)['/etc/motd']).toBe('F 600 0:3 @1700000000 hello\n');
  });

  it('creates an addition with its missing parents, which get the admin\'s metadata', async () => {
    const admin = { ...base, opt: dir(0o750, { gid: 2 }), 'opt/app': dir(0o700), 'opt/app/conf': file('k=v\n', { mode: 0o640 }) };
    const run = await runScenario({ base, admin, update: base });
    const t = describeTree(run.target);
    expect([t['/opt'], t['/opt/app'], t['/opt/app/conf']]).toEqual(['D 750 0:2', 'D 700 0:0', 'F 640 0:0 @1700000000 k=v\n']);
  });

  it('deletes what the admin deleted, and carries a type change', async () => {
    const admin = { etc: dir(), 'etc/hosts': symlink('../var/hosts'), bin: dir(), 'bin/sh': file('ELF sh\0', { mode: 0o755 }) };
    const run = await runScenario({ base, admin, update: base });
    const t = describeTree(run.target);
    expect(t['/etc/motd']).toBeUndefined();
    expect(t['/etc/hosts']).toBe('L -> ../var/hosts');
  });

  it('removes a deleted directory only down to what the admin deleted; update\'s additions stay, reported', async () => {
    const withDir = { ...base, 'opt/app': dir(), 'opt/app/a': file('a\n'), opt: dir() };
    const run = await runScenario({ base: withDir, admin: base, update: { ...withDir, 'opt/app/new': file('new\n') } });
    const t = describeTree(run.target);
    expect(t['/opt/app/a']).toBeUndefined();
    expect(t['/opt/app/new']).toBe('F 644 0:0 @1700000000 new\n');
    expect(run.step('/opt/app')).toMatchObject({ outcome: 'conflict', action: 'keep directory' });
  });
});

describe('R2 deletions in a target that differs from update', () => {
  it('keeps, and reports, a directory holding something no manifest listed', async () => {
    const withDir = { ...base, opt: dir(), 'opt/app': dir(), 'opt/app/a': file('a\n') };
    const run = await planScenario({ base: withDir, admin: { ...base, opt: dir() }, update: withDir });
    writeFileSync(`${run.target}/opt/app/stray`, 'not in any manifest\n');
    const report = await applyPlan(run.plan, { target: run.target, roots: run.roots });
    expect(report.refused).toEqual([{ path: '/opt/app', why: 'directory not empty; kept' }]);
    expect(Object.keys(describeTree(run.target)).filter((p) => p.startsWith('/opt/'))).toEqual(['/opt/app', '/opt/app/stray']);
  });
});

describe('R3, R4: both changed', () => {
  it('R3: the same change on both sides is nothing to do', async () => {
    const changed = { ...base, 'etc/motd': file('both\n', { mtime: 1_700_000_100 }) };
    const run = await runScenario({ base, admin: changed, update: { ...changed, 'etc/motd': file('both\n', { mtime: 1_700_000_200 }) } });
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R3', outcome: 'same', ops: [] });
  });

  it('R4: content from the side that changed content, metadata from the side that changed metadata', async () => {
    const run = await runScenario({
      base, admin: { ...base, 'etc/motd': file('admin\n', { mtime: 1_700_000_100 }) }, update: { ...base, 'etc/motd': file('hello\n', { mode: 0o444 }) },
    });
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R4', outcome: 'merged' });
    expect(describeTree(run.target)['/etc/motd']).toBe('F 444 0:0 @1700000100 admin\n');
  });

  it('R4: a field both changed differently takes the admin\'s value and is a conflict', async () => {
    const run = await runScenario({ base, admin: { ...base, 'etc/motd': file('hello\n', { mode: 0o600 }) }, update: { ...base, 'etc/motd': file('hello\n', { mode: 0o640, uid: 5 }) } });
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R4', outcome: 'conflict', fields: expect.arrayContaining(['mode']) });
    expect(describeTree(run.target)['/etc/motd']).toBe('F 600 5:0 @1700000000 hello\n');
  });
});

describe('R5: both changed the content', () => {
  it('R5.1: merges /etc/passwd record by record', async () => {
    const passwd = 'root:x:0:0:Super-User:/root:/usr/bin/bash\n';
    const withPw = { ...base, 'etc/passwd': file(passwd) };
    const run = await runScenario({
      base: withPw,
      admin: { ...withPw, 'etc/passwd': file(`${passwd}alice:x:100:10::/home/alice:/bin/sh\n`) },
      update: { ...withPw, 'etc/passwd': file(`${passwd}daemon:x:1:1::/:\n`) },
    });
    expect(run.step('/etc/passwd')).toMatchObject({ rule: 'R5', outcome: 'merged' });
    const text = describeTree(run.target)['/etc/passwd']!;
    expect(text).toContain('alice:x:100');
    expect(text).toContain('daemon:x:1');
  });

  it('R5.1: a shadow password both changed is the admin\'s, reported by key and field, its hashes never in the plan', async () => {
    const row = (hash: string) => `root:${hash}:19000::::::\n`;
    const withShadow = { ...base, 'etc/shadow': file(row('$5$base'), { mode: 0o400 }) };
    const run = await runScenario({
      base: withShadow, admin: { ...withShadow, 'etc/shadow': file(row('$5$adminsecret'), { mode: 0o400 }) },
      update: { ...withShadow, 'etc/shadow': file(row('$5$updatesecret'), { mode: 0o400 }) },
    });
    expect(run.step('/etc/shadow')).toMatchObject({ outcome: 'conflict', fields: ['root:password'] });
    expect(JSON.stringify(run.plan)).not.toMatch(/secret|\$5\$/);
    expect(describeTree(run.target, [])['/var/preupd']).toBe('D 700 0:0');
    expect(describeTree(run.target)['/etc/shadow']).toBe(`F 400 0:0 @1700000000 ${row('$5$adminsecret')}`);
  });

  it('R5.1: merges /etc/name_to_major by driver, leaving out an admin major that update gave to another driver, the admin\'s file saved', async () => {
    const majors = { ...base, 'etc/name_to_major': file('sd 32\n') };
    const run = await runScenario({
      base: majors, admin: { ...majors, 'etc/name_to_major': file('sd 32\nmine 260\n') }, update: { ...majors, 'etc/name_to_major': file('sd 32\nnew 260\n') },
    });
    const saved = `/var/preupd/saved/${STAMP}/etc/name_to_major`;
    expect(run.step('/etc/name_to_major')).toMatchObject({
      outcome: 'conflict', fields: ["mine: major 260 is new's in update"], saved: [{ version: 'admin', to: saved }],
      resolution: "update's majors win: the admin's line of each driver listed is left out; admin's file in the saved area",
    });
    expect(formatPlanTable(run.plan)).toContain(`admin's version saved as ${saved}; fields: mine: major 260 is new's in update  (`);
    const t = describeTree(run.target, []);
    expect([t['/etc/name_to_major'], t[saved]]).toEqual(['F 644 0:0 @1700000000 sd 32\nnew 260\n', 'F 644 0:0 @1700000000 sd 32\nmine 260\n']);
  });

  it('R5.2: merges a text file line by line when the edits do not overlap', async () => {
    const conf = 'a=1\nb=2\nc=3\nd=4\ne=5\n';
    const run = await runScenario({
      base: { ...base, 'etc/app.conf': file(conf) },
      admin: { ...base, 'etc/app.conf': file(conf.replace('a=1', 'a=admin')) },
      update: { ...base, 'etc/app.conf': file(conf.replace('e=5', 'e=update')) },
    });
    expect(run.step('/etc/app.conf')).toMatchObject({ rule: 'R5', outcome: 'merged' });
    expect(describeTree(run.target)['/etc/app.conf']).toMatch(/ a=admin\nb=2\nc=3\nd=4\ne=update\n$/);
  });

  const overlapping = (preserve?: string) => runScenario({
    base: { ...base, 'etc/app.conf': file('x=1\n') },
    admin: { ...base, 'etc/app.conf': file('x=admin\n', { mtime: 1_700_000_100 }) },
    update: { ...base, 'etc/app.conf': file('x=update\n', { mtime: 1_700_000_200 }) },
    ...(preserve === undefined ? {} : { preserve: { 'etc/app.conf': preserve } }),
  });
  const contentOf = (t: Record<string, string>, p: string) => t[p]?.replace(/^F \S+ \S+ @\d+ /, '');

  it.each([
    ['renameold', 'x=update\n', { '/etc/app.conf.old': 'x=admin\n' }],
    ['renamenew', 'x=admin\n', { '/etc/app.conf.new': 'x=update\n' }],
    ['true', 'x=admin\n', { '/etc/app.conf.new': 'x=update\n' }],
    ['legacy', 'x=admin\n', { '/etc/app.conf.new': 'x=update\n' }],
    ['abandon', 'x=admin\n', {}],
    ['install-only', 'x=admin\n', {}],
    [undefined, 'x=update\n', { [`/var/preupd/saved/${STAMP}/etc/app.conf`]: 'x=admin\n' }],
  ])('R5.3: preserve=%s decides an overlapping text conflict', async (preserve, atPath, saved) => {
    const run = await overlapping(preserve);
    const t = describeTree(run.target, ['var/pkg']);
    expect(run.step('/etc/app.conf')).toMatchObject({ rule: 'R5', outcome: 'conflict', saved: Object.keys(saved).map((to) => ({ to })) });
    expect(contentOf(t, '/etc/app.conf')).toBe(atPath);
    for (const [path, content] of Object.entries(saved)) expect(contentOf(t, path)).toBe(content);
    expect(Object.keys(t).filter((p) => /\.(old|new)$/.test(p))).toEqual(Object.keys(saved).filter((p) => /\.(old|new)$/.test(p)));
  });

  // Bug: base's preserve=true was taken whenever update's action had none (found by review).
  it.each([
    ['delivers it without preserve: update\'s', { 'etc/app.conf': null }, 'x=update\n'],
    ['no longer delivers it: base\'s', {}, 'x=admin\n'],
  ])('R5.3: where update %s preserve decides', async (_, preserve, atPath) => {
    const run = await runScenario({
      base: { ...base, 'etc/app.conf': file('x=1\n') },
      admin: { ...base, 'etc/app.conf': file('x=admin\n') },
      update: { ...base, 'etc/app.conf': file('x=update\n') },
      preserve, basePreserve: { 'etc/app.conf': 'true' },
    });
    expect(contentOf(describeTree(run.target, ['var/pkg']), '/etc/app.conf')).toBe(atPath);
  });

  it('R5.3: a binary both changed keeps update\'s and saves the admin\'s', async () => {
    const run = await runScenario({ base, admin: { ...base, 'bin/sh': file('ELF admin\0', { mode: 0o755 }) }, update: { ...base, 'bin/sh': file('ELF update\0', { mode: 0o755 }) } });
    const t = describeTree(run.target, []);
    expect(t['/bin/sh']).toContain('ELF update');
    expect(t[`/var/preupd/saved/${STAMP}/bin/sh`]).toContain('ELF admin');
  });
});

describe('R5, R6: a kept version whose name is an entry of its own goes to the saved area', () => {
  const saved = `/var/preupd/saved/${STAMP}/etc/ro`;
  const content = (t: Record<string, string>) => (p: string) => t[p]?.replace(/^F \S+ \S+ @\d+ /, '');

  it.each([
    ['renameold', '/etc/ro.old', { '/etc/ro': 'update\0', '/etc/ro.old': 'admin last cycle\0', [saved]: 'admin latest\0' }, 'admin'],
    ['renamenew', '/etc/ro.new', { '/etc/ro': 'admin latest\0', '/etc/ro.new': 'admin last cycle\0', [saved]: 'update\0' }, 'update'],
  ])('preserve=%s, with the admin\'s own %s from a previous cycle', async (preserve, side, expected, version) => {
    const withRo = { ...base, 'etc/ro': file('v0\0') };
    const run = await runScenario({
      base: withRo, admin: { ...withRo, 'etc/ro': file('admin latest\0'), [side.slice(1)]: file('admin last cycle\0') },
      update: { ...withRo, 'etc/ro': file('update\0') }, preserve: { 'etc/ro': preserve },
    });
    expect(run.step('/etc/ro')).toMatchObject({ rule: 'R5', saved: [{ version, to: saved }], resolution: expect.stringContaining(`${side} is taken`) });
    const t = describeTree(run.target, []);
    expect(Object.keys(expected).map(content(t))).toEqual(Object.values(expected));
  });

  it('R6: update\'s version does not land on a .new the admin deleted', async () => {
    const withNew = { ...base, 'etc/ro': file('v0\n'), 'etc/ro.new': file('leftover\n') };
    const run = await runScenario({ base: withNew, admin: base, update: { ...withNew, 'etc/ro': file('v1\n') }, preserve: { 'etc/ro': 'true' } });
    expect(run.step('/etc/ro')).toMatchObject({ rule: 'R6', saved: [{ version: 'update', to: saved }] });
    const t = describeTree(run.target, []);
    expect([t['/etc/ro'], t['/etc/ro.new'], content(t)(saved)]).toEqual([undefined, undefined, 'v1\n']);
  });
});

describe('R6, R7: deleted on one side, changed on the other', () => {
  const changedMotd = { ...base, 'etc/motd': file('release 2\n') };
  const { 'etc/motd': _motd, ...withoutMotd } = base;

  it('R6: an editable file stays deleted, update\'s version as .new', async () => {
    const run = await runScenario({ base, admin: withoutMotd, update: changedMotd, preserve: { 'etc/motd': 'true' } });
    const t = describeTree(run.target);
    expect(t['/etc/motd']).toBeUndefined();
    expect(t['/etc/motd.new']).toContain('release 2');
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R6', outcome: 'conflict' });
  });

  it('R6: anything else comes back with update\'s version', async () => {
    const run = await runScenario({ base, admin: withoutMotd, update: changedMotd });
    expect(describeTree(run.target)['/etc/motd']).toContain('release 2');
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R6', outcome: 'conflict', ops: [] });
  });

  it('R7: an admin content change is salvaged to var/pkg/lost+found with pkg\'s time stamp', async () => {
    const run = await runScenario({ base, admin: { ...base, 'etc/motd': file('mine\n') }, update: withoutMotd });
    const t = describeTree(run.target, []);
    expect(t['/etc/motd']).toBeUndefined();
    expect(t[`/var/pkg/lost+found/etc/motd-${STAMP}`]).toContain('mine');
  });

  it('R7: an admin metadata-only change is dropped, reported', async () => {
    const run = await runScenario({ base, admin: { ...base, 'etc/motd': file('hello\n', { mode: 0o600 }) }, update: withoutMotd });
    expect(run.step('/etc/motd')).toMatchObject({ rule: 'R7', outcome: 'conflict', ops: [], saved: [] });
    expect(describeTree(run.target)['/etc/motd']).toBeUndefined();
  });
});

describe('R8: both added the same path', () => {
  it('identical additions are nothing to do', async () => {
    const added = { ...base, 'etc/new': file('same\n') };
    const run = await runScenario({ base, admin: added, update: added });
    expect(run.step('/etc/new')).toMatchObject({ rule: 'R8', outcome: 'same' });
  });

  it('an editable path keeps the admin\'s, update\'s as .new; a non-editable one keeps update\'s, admin\'s to lost+found', async () => {
    const run = await runScenario({
      base,
      admin: { ...base, 'etc/a.conf': file('admin a\n'), 'etc/b.bin': file('admin b\n') },
      update: { ...base, 'etc/a.conf': file('update a\n'), 'etc/b.bin': file('update b\n') },
      preserve: { 'etc/a.conf': 'renamenew' },
    });
    const t = describeTree(run.target, []);
    expect([t['/etc/a.conf'], t['/etc/a.conf.new']].map((x) => x?.slice(-8))).toEqual(['admin a\n', 'pdate a\n']);
    expect(t['/etc/b.bin']).toContain('update b');
    expect(t[`/var/pkg/lost+found/etc/b.bin-${STAMP}`]).toContain('admin b');
  });

  it('two added directories: children path by path, the admin\'s metadata on a difference', async () => {
    const run = await runScenario({
      base, admin: { ...base, srv: dir(0o700), 'srv/a': file('a\n') }, update: { ...base, srv: dir(0o755), 'srv/b': file('b\n') },
    });
    const t = describeTree(run.target);
    expect([t['/srv'], t['/srv/a'] !== undefined, t['/srv/b'] !== undefined]).toEqual(['D 700 0:0', true, true]);
  });
});

describe('boot archive', () => {
  it('is due when a step touches a path boot/solaris/filelist.ramdisk lists, and only then', async () => {
    const withList = { ...base, boot: dir(), 'boot/solaris': dir(), 'boot/solaris/filelist.ramdisk': file('etc/hosts\nkernel\n'), kernel: dir(), 'kernel/drv': dir() };
    const touched = await runScenario({ base: withList, admin: { ...withList, 'kernel/drv/x.conf': file('x\n') }, update: withList });
    const untouched = await runScenario({ base: withList, admin: { ...withList, 'etc/motd': file('other\n') }, update: withList });
    expect([touched.plan.bootArchive, untouched.plan.bootArchive]).toEqual([true, false]);
  });
});

describe('R9 and names', () => {
  it('R9: admin files sharing an inode are hard links of each other in the target', async () => {
    const admin = { ...base, 'etc/one': file('linked\n'), 'etc/two': hardlink('etc/one') };
    const run = await runScenario({ base, admin, update: base });
    expect(run.step('/etc/two')).toMatchObject({ rule: 'R9', ops: [{ op: 'link', to: '/etc/one' }] });
    expect(statSync(`${run.target}/etc/two`).ino).toBe(statSync(`${run.target}/etc/one`).ino);
  });

  it('carries names with a newline and non-UTF-8 bytes byte for byte', async () => {
    const odd = 'etc/a\nb \xe9\xff';
    const run = await runScenario({ base, admin: { ...base, [odd]: file('odd\n') }, update: base });
    expect(run.step(`/${odd}`)).toMatchObject({ rule: 'R2' });
    expect(describeTree(run.target)[`/${odd}`]).toContain('odd');
  });

  it('plans names with bytes below a space, which sort before their prefix ("foo\\r" before "foo")', async () => {
    const odd = { ...base, foo: file('1\n'), 'foo\r': file('2\n'), 'foo\x01': dir(), 'foo\x01/x': file('3\n'), 'foo\tb': file('4\n'), 'foo-b': file('5\n') };
    const run = await runScenario({ base: odd, admin: { ...odd, foo: file('changed\n'), 'foo\x01/x': file('changed 3\n') }, update: odd });
    expect(run.plan.steps.map((s) => [s.path, s.rule])).toEqual([['/foo\x01/x', 'R2'], ['/foo', 'R2']]);
    expect(describeTree(run.target)['/foo']).toContain('changed');
  });

  it('R9: a linked name with a newline keeps the plan table one line per step', async () => {
    const run = await planScenario({ base, admin: { ...base, 'etc/a\nb': file('hi\n'), 'etc/c': hardlink('etc/a\nb') }, update: base });
    const rows = formatPlanTable(run.plan).split('\n').slice(1, -1);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^R9 .*\/etc\/c  hard link to \/etc\/a\\012b  \(admin added it; same inode as \/etc\/a\\012b in admin\)$/);
  });
});

describe('what is never reintegrated', () => {
  it('leaves volatile paths and var/pkg alone, and keeps var, which the admin lacks, for var/pkg', async () => {
    const withPkg = { ...base, var: dir(), 'var/pkg': dir(), 'var/pkg/state': file('update db\n') };
    const run = await runScenario({
      base: withPkg,
      admin: { ...base, tmp: dir(), 'tmp/scratch': file('x\n') },
      update: { ...withPkg, 'var/pkg/state': file('update db 2\n') },
    });
    expect(run.plan.steps.map((s) => [s.path, s.action])).toEqual([['/var', 'keep directory']]);
    expect(run.plan.excluded).toBe(4);
    const t = describeTree(run.target, []);
    expect([t['/tmp'], t['/var/pkg/state']]).toEqual([undefined, 'F 644 0:0 @1700000000 update db 2\n']);
  });
});
