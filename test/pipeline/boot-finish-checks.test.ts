/**
 * The second pass on first boot, on the directory backend: what the new BE holds when
 * boot-finish runs is update's (the SMF repository manifest-import wrote, edits made before
 * the service ran), the boot archive is rebuilt when the pass touched it, refused paths and a
 * vanished old BE end in exit 1, and a finish never waits for a BE that is gone.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStandInLog } from '../fixtures/stand-ins.js';
import { dirCycle, type DirCycle } from './dir-cycle.js';

let c: DirCycle;
afterEach(() => c?.cleanup());

/** be0 with `tree` written, adopted, an update staged (activated: promoted), be0 edited by `late`, then preupd-0002 booted. */
async function stagedAndBooted(label: string, tree: Record<string, string>, late: Record<string, string>, activate = false): Promise<DirCycle> {
  c = dirCycle(label);
  write(c.live, tree);
  await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
  c.update('etc/motd', 'v2\n');
  await c.ok('stage', ...(activate ? ['--activate'] : []));
  write(c.live, late);
  c.boot('preupd-0002');
  return c;
}

function write(root: string, tree: Record<string, string>): void {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const read = (path: string) => readFileSync(join(c.live, path), 'utf8');
const calls = () => readStandInLog(join(c.work, 'calls.log'));

describe('boot-finish', () => {
  it('leaves the live SMF repository alone: it was carried at stage time, and manifest-import has written it since', async () => {
    await stagedAndBooted('finish-repository', { 'etc/svc/repository.db': 'at stage time\n' }, { 'etc/svc/repository.db': 'old BE, later\n' });
    write(c.live, { 'etc/svc/repository.db': 'imported on first boot\n' });
    const finished = await c.ok('boot-finish');
    expect(read('etc/svc/repository.db')).toBe('imported on first boot\n');
    expect(finished.stdout).not.toContain('repository.db');
  });

  it("merges an edit made in the new BE before it ran with the old BE's later edit, losing neither", async () => {
    await stagedAndBooted('finish-live-edit', { 'etc/hosts': 'a\nb\nc\n' }, { 'etc/hosts': 'a\nb\nc\nfrom the old BE\n' });
    // The service waited in maintenance; meanwhile the admin edited the file here.
    write(c.live, { 'etc/hosts': 'edited here\na\nb\nc\n' });
    const finished = await c.ok('boot-finish');
    expect(read('etc/hosts')).toBe('edited here\na\nb\nc\nfrom the old BE\n');
    // Both passes' reports are named: the second's is where this merge is told.
    const finishReport = /; report: (\S+)\n$/.exec(finished.stdout)![1]!;
    expect(readFileSync(join(c.stateDir, finishReport), 'utf8')).toMatch(/^R5  merged   \/etc\/hosts  merge lines/m);
    expect((await c.ok('status')).stdout).toMatch(new RegExp(`^  preupd-0002  finished, 0 conflicts, report \\S+, finish report ${finishReport}$`, 'm'));
  });

  it('rebuilds the boot archive when the pass changes a file of filelist.ramdisk', async () => {
    const tree = { 'boot/solaris/filelist.ramdisk': 'etc/system\nkernel\n', 'etc/system': '* system\n' };
    await stagedAndBooted('finish-archive', tree, { 'etc/system': '* system\nset zfs:zfs_arc_max=0x40000000\n' });
    const before = calls().length;
    await c.ok('boot-finish');
    expect(read('etc/system')).toContain('zfs_arc_max');
    expect(calls().slice(before).filter((call) => call[0] === 'bootadm')).toEqual([['bootadm', 'update-archive', '-R', c.live]]);
  });

  it('exits 1 when a path is refused', async () => {
    await stagedAndBooted('finish-refused', { 'etc/conf.d/a': 'a\n' }, { 'etc/conf.d/b': 'late\n' });
    // Here /etc/conf.d became a symlink: the old BE's new file there cannot be written through it.
    rmSync(join(c.live, 'etc/conf.d'), { recursive: true });
    mkdirSync(join(c.live, 'usr/conf.d'), { recursive: true });
    symlinkSync('../usr/conf.d', join(c.live, 'etc/conf.d'));
    const finished = await c.preupd('boot-finish');
    expect([finished.status, finished.stderr]).toEqual([1, '']);
    expect(finished.stdout).toMatch(/^refused \/etc\/conf\.d\/b: /m);
  });

  it('finishes, exit 1, when the old BE was destroyed: nothing is left to carry, and records it finished', async () => {
    await stagedAndBooted('finish-old-gone', {}, { 'etc/motd.local': 'late\n' }, true);
    c.pool((store) => store.destroy('p/ROOT/be0', true));
    const finished = await c.preupd('boot-finish');
    expect([finished.status, finished.stderr]).toEqual([1, '']);
    expect(finished.stdout).toBe('p/ROOT/be0 is gone: edits made in the old BE after staging cannot be carried\nfinished preupd-0002 without its second pass\n');
    expect(c.state().staged).toMatchObject([{ be: 'preupd-0002', status: 'finished' }]);
    expect(await c.ok('boot-finish')).toMatchObject({ stdout: 'preupd-0002: nothing to finish\n' });
  });
});
