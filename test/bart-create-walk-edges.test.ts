/**
 * `preupd bart create` where illumos nftw decides what bart prints (spec/bart.md §3.3, §3.9):
 * a directory is opened before the callback that prunes it (an unreadable one warns, pruned
 * by its rule or on another file-system type), the start directory is pruned like any other,
 * and a rule's subtree passes statvfs64(), which follows symlinks, before nftw lstats it.
 * Real directories; permission cases run the built CLI as nobody (root reads everything),
 * mount cases need root's `mount -t tmpfs`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runIn } from './run-cli.js';

const PREUPD = resolve(import.meta.dirname, '../bin/preupd');
const isRoot = process.getuid?.() === 0;
const canDropToNobody = isRoot && spawnSync('setpriv', ['--version']).status === 0;

const scratch = mkdtempSync(join(tmpdir(), 'preupd-walk-edges-'));
chmodSync(scratch, 0o755);
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted) spawnSync('umount', [m]);
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh tree: directories end in '/', files get their name as contents. */
function tree(paths: string[]): string {
  const root = mkdtempSync(join(scratch, 't-'));
  chmodSync(root, 0o755);
  for (const p of paths) {
    if (p.endsWith('/')) mkdirSync(join(root, p), { recursive: true });
    else writeFileSync(join(root, p), p);
  }
  return root;
}

function rulesFile(root: string, text: string): string {
  const file = `${root}.rules`;
  writeFileSync(file, text);
  chmodSync(file, 0o644);
  return file;
}

/** The built CLI as nobody: permission bits then count. */
function bartAsNobody(args: string[]) {
  const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', PREUPD, 'bart', 'create', ...args], {
    env: { PATH: process.env.PATH, TZ: 'UTC', LC_ALL: 'C' },
  });
  return { status: run.status, stdout: run.stdout.toString('latin1'), stderr: run.stderr.toString('latin1') };
}

/** In-process, as this user (root in CI). */
const bart = (args: string[]) => runIn(scratch, ['bart', 'create', ...args], '', { TZ: 'UTC' });

const names = (manifest: string) => manifest.split('\n').filter((l) => l.startsWith('/')).map((l) => l.split(' ').slice(0, 2).join(' '));

/** A tmpfs mounted at `dir`, or undefined where mounting is not possible. */
function mountTmpfs(dir: string, mode: string): string | undefined {
  if (!isRoot) return undefined;
  const run = spawnSync('mount', ['-t', 'tmpfs', '-o', `mode=${mode},size=1m`, 'none', dir]);
  if (run.status !== 0) return undefined;
  mounted.push(dir);
  return dir;
}

describe.runIf(canDropToNobody)('bart create: directories nftw cannot open', () => {
  it('warns of an unreadable directory its rule prunes, and exits 1', () => {
    const root = tree(['SCCS/', 'SCCS/s.a.c', 'src/', 'src/a.c', 'open/', 'open/SCCS/']);
    chmodSync(join(root, 'SCCS'), 0o000);
    const run = bartAsNobody(['-R', root, '-r', rulesFile(root, '/ !SCCS/\n')]);
    expect(run.stderr).toBe(`WARNING: cannot list directory: ${root}/SCCS\n`);
    expect(run.status).toBe(1);
    // A readable pruned directory says nothing and prints nothing.
    expect(names(run.stdout)).toEqual(['/ D', '/open D', '/src D', '/src/a.c F']);
  });

  // bart's chdir(-R) needs search permission: perror and the usage, exit 2, no manifest.
  it('refuses a -R directory it cannot search, as chdir does', () => {
    const root = tree(['f']);
    chmodSync(root, 0o644);
    const run = bartAsNobody(['-R', root]);
    expect([run.status, run.stdout, run.stderr.split('\n')[0]]).toEqual([2, '', `${root}: Permission denied`]);
    expect(run.stderr).toContain('Usage:');
    chmodSync(root, 0o755);
  });

  it('warns of an unreadable start directory its rule prunes (IGNORE all), and only of it', () => {
    const root = tree(['closed/', 'closed/f', 'open/', 'open/inner/', 'open/f']);
    chmodSync(join(root, 'closed'), 0o000);
    chmodSync(join(root, 'open', 'inner'), 0o000);
    const closed = bartAsNobody(['-R', root, '-r', rulesFile(root, '/closed\nIGNORE all\n')]);
    expect([closed.status, closed.stderr, names(closed.stdout)]).toEqual([1, `WARNING: cannot list directory: ${root}/closed\n`, []]);
    // A pruned start directory is not read: nothing below it warns.
    const open = bartAsNobody(['-R', root, '-r', rulesFile(root, '/open\nIGNORE all\n')]);
    expect([open.status, open.stderr, names(open.stdout)]).toEqual([0, '', []]);
  });

  it('keeps the status of the last rule: 1 once a walk warned, 255 when the last subtree fails', () => {
    const root = tree(['closed/', 'a/', 'a/f']);
    chmodSync(join(root, 'closed'), 0o000);
    symlinkSync('nowhere', join(root, 'dang'));
    const lastFails = bartAsNobody(['-R', root, '-r', rulesFile(root, '/closed\n/dang\n')]);
    expect(lastFails.status).toBe(255);
    expect(lastFails.stderr).toBe(`WARNING: cannot list directory: ${root}/closed\n${root}/dang: No such file or directory\n`);
    const firstFails = bartAsNobody(['-R', root, '-r', rulesFile(root, '/dang\n/closed\n')]);
    expect(firstFails.status).toBe(1);
    const warnedBefore = bartAsNobody(['-R', root, '-r', rulesFile(root, '/closed\n/a\n')]);
    expect([warnedBefore.status, names(warnedBefore.stdout)]).toEqual([1, ['/a D', '/a/f F']]);
  });
});

describe.runIf(canDropToNobody)('bart create: mount points', () => {
  it('warns of an unreadable mount point of another file-system type, with or without its line', () => {
    const root = tree(['closed/', 'open/', 'x/', 'x/f']);
    const open = mountTmpfs(join(root, 'open'), '755');
    if (!open || !mountTmpfs(join(root, 'closed'), '000')) return void console.warn('skipped: cannot mount tmpfs');
    writeFileSync(join(open, 'inside'), 'x');
    const warning = `WARNING: cannot list directory: ${root}/closed\n`;
    // The default rule skips directories' lines (a file pattern): the warning comes all the same.
    const byDefault = bartAsNobody(['-R', root]);
    expect([byDefault.status, byDefault.stderr, names(byDefault.stdout)]).toEqual([1, warning, ['/x/f F']]);
    // A readable one is listed (the mounted root's attributes), not entered, and says nothing.
    const listed = bartAsNobody(['-R', root, '-r', rulesFile(root, '/\n')]);
    expect([listed.status, listed.stderr, names(listed.stdout)]).toEqual([1, warning, ['/ D', '/open D', '/x D', '/x/f F']]);
    const pruned = bartAsNobody(['-R', root, '-r', rulesFile(root, '/ !closed/\n')]);
    expect([pruned.status, pruned.stderr]).toEqual([1, warning]);
  });
});

describe('bart create: subtrees statvfs64() follows', () => {
  it('skips a dangling symlink subtree with perror, and exits 255 when it is the last rule', async () => {
    const root = tree(['etc/', 'etc/hosts']);
    symlinkSync('nowhere', join(root, 'dang'));
    const last = await bart(['-R', root, '-r', rulesFile(root, '/etc\n/dang\n')]);
    expect([last.status, last.stderr, names(last.stdout)]).toEqual([255, `${root}/dang: No such file or directory\n`, ['/etc D', '/etc/hosts F']]);
    // A later rule's statvfs sets the status again: 0.
    const first = await bart(['-R', root, '-r', rulesFile(root, '/dang\n/etc\n')]);
    expect([first.status, first.stderr, names(first.stdout)]).toEqual([0, `${root}/dang: No such file or directory\n`, ['/etc D', '/etc/hosts F']]);
    // One that resolves passes statvfs; nftw (FTW_PHYS) then lists the link, not its target.
    writeFileSync(join(root, 'file'), 'x');
    symlinkSync('etc', join(root, 'sdir'));
    symlinkSync(join(root, 'file'), join(root, 'sfile'));
    const links = await bart(['-R', root, '-r', rulesFile(root, '/sdir\n/sfile\n/dang\n/sdir\n')]);
    expect([links.status, names(links.stdout)]).toEqual([0, ['/sdir L', '/sfile L']]);
  });

  it('words a symlink loop as illumos strerror(ELOOP) and skips the rule', async () => {
    const root = tree(['etc/']);
    symlinkSync('loop', join(root, 'loop'));
    const run = await bart(['-R', root, '-r', rulesFile(root, '/etc\n/loop\n')]);
    expect(run.status).toBe(255);
    expect(run.stderr).toBe(`${root}/loop: Number of symbolic links encountered during path name traversal exceeds MAXSYMLINKS\n`);
    expect(names(run.stdout)).toEqual(['/etc D']);
  });
});

describe('bart create: a start directory its own rule prunes', () => {
  it('prints nothing below a subtree root that its rule prunes (`/ !/`)', async () => {
    const root = tree(['src/', 'src/a.c']);
    const run = await bart(['-R', root, '-r', rulesFile(root, '/ !/\n')]);
    expect([run.status, run.stderr, names(run.stdout)]).toEqual([0, '', []]);
  });
});
