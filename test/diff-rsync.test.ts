/**
 * Differential test of `preupd diff` against rsync, an independent tool (issue 3, item 4):
 * on random trees with random mutations, the set of paths preupd reports must equal the set
 * rsync itemizes in a dry run.
 *
 * Direction: rsync copies SRC onto DST, so `rsync ... TEST/ CONTROL/` itemizes what would
 * turn control into test: the administrator's changes, the direction `preupd diff control
 * test` reports them in. Command: `rsync -rlptgoDn --delete -c -8 --out-format='%i %n'`:
 * the issue's `-rlpgoDn --delete -i -c` plus `-t`, so that rsync compares file and symlink
 * mtimes as preupd does (without -t rsync never itemizes an mtime-only change; with -c it
 * does not even look at mtimes); `-8` prints names' high bytes raw; `--out-format='%i %n'` is
 * `-i` without the ` -> target` of symlinks.
 *
 * Mapping (rsync item -> preupd record):
 *   `*deleting   p`              p in control only           -> `removed` (also each child of a
 *                                                               deleted or replaced directory)
 *   `>f+++++++++ p`, `cd+++++++++ p/`, `cL+++++++++ p`
 *                                p new in test, or its type changed -> `added`, or `modified`
 *                                with `type` (rsync shows a type change as a new item and
 *                                deletes the old one silently)
 *   `>fc........` / `>fcs.......`  checksum (and size) differ  -> `contents` (and `size`)
 *   `cLc........ p`              symlink target differs     -> `dest` (and `size`)
 *   `.f...p.....`, `.d...p.....`   permissions                -> `mode` and `acl`
 *   `.f....o....`, `.L.....g...`   owner, group               -> `uid`, `gid`
 *   `.f..t......`, `.L..t......`   mtime of a file, a symlink -> `mtime`, `lnmtime`
 *   `./`                          the root                    -> `/`
 * Exclusions, each a thing the two tools see differently on purpose:
 *   1. Directory mtimes: rsync -t itemizes `.d..t......` (the root's `./` too); preupd's
 *      default rules say IGNORE dirmtime. rsync items of a directory whose only flag is `t`
 *      are dropped.
 *   2. Directory sizes: bart records st_size of directories, rsync never compares it. preupd
 *      records of a directory (on both sides) whose only attribute is `size` are dropped
 *      (ext4 grows a directory only past a block of entries; these trees rarely get there).
 *   3. ACLs: rsync without -A does not compare them. Here every ACL is the trivial one made
 *      from the mode, so an ACL change is always a mode change too, and nothing is dropped.
 *   4. Special files (FIFOs, devices, sockets) are not generated: `-D` is given for the
 *      record, but their mtimes are never reported by bart (§5.5), a difference not tested here.
 * The same equality holds between `preupd diff --quick` and rsync without -c (both trust size
 * and mtime), which the second property checks.
 */
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { lstatSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { mutatedForestArb, type TreeModel, type TreeNode } from './arbitraries/tree-mutations.js';
import { isRootOnLinux, parseJsonLines, preupd, runCommand, scratchDir, writeTree } from './real-tree.js';

const hasRsync = spawnSync('rsync', ['--version']).status === 0;
// Each run starts the CLI (~1 s on a loaded 2-core machine); shrinking a failure takes longer.
const SLOW = 180_000;
const scratch = scratchDir('preupd-diff-rsync-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A preupd name (`/a/x\040y`) as the relative path rsync prints (`a/x y`). */
const relativeOf = (name: string) => (name === '/' ? '.' : name.slice(1).replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));

/** rsync's items by path (`./` -> `.`, no trailing slash), dropping directories whose only change is their mtime (exclusion 1). */
function rsyncItems(stdout: string): Map<string, string> {
  const items = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const item = line.slice(0, 11).trim();
    const path = line.slice(12);
    if (item[1] === 'd' && item.slice(2) === '..t......') continue;
    items.set(path === './' ? '.' : path.replace(/\/$/, ''), item);
  }
  return items;
}

async function bothTools(control: TreeModel, test: TreeModel, quick: boolean) {
  const c = writeTree(control, scratch);
  const t = writeTree(test, scratch);
  try {
    const [ours, theirs] = await Promise.all([
      preupd(['diff', '--json', ...(quick ? ['--quick'] : []), c, t]),
      runCommand(['rsync', quick ? '-rlptgoDn' : '-rlptgoDnc', '--delete', '-8', '--out-format=%i %n', `${t}/`, `${c}/`]),
    ]);
    expect(ours.stderr).toBe('');
    expect([theirs.status, theirs.stderr]).toEqual([0, '']);
    const records = parseJsonLines(ours.stdout).filter((r) => {
      // Exclusion 2: a directory's size alone.
      const keys = Object.keys(r.attributes ?? {});
      return !(keys.length === 1 && keys[0] === 'size' && isDirOnBothSides(c, t, r.name));
    });
    const items = rsyncItems(theirs.stdout);
    return { records, items, ours: records.map((r) => relativeOf(r.name)).sort(), theirs: [...items.keys()].sort() };
  } finally {
    rmSync(c, { recursive: true, force: true });
    rmSync(t, { recursive: true, force: true });
  }
}

function isDirOnBothSides(c: string, t: string, name: string): boolean {
  const rel = Buffer.from(relativeOf(name), 'latin1');
  const isDir = (root: string) => lstatSync(Buffer.concat([Buffer.from(root + '/'), rel])).isDirectory();
  return isDir(c) && isDir(t);
}

const M = 1_600_000_000;
const f = (content: string, more: Partial<TreeNode> = {}) => ({ kind: 'file', content, perms: 0o644, uid: 0, gid: 0, mtime: M, ...more }) as TreeNode;
const d = (more: Partial<TreeNode> = {}) => ({ kind: 'dir', perms: 0o755, uid: 0, gid: 0, mtime: M, ...more }) as TreeNode;
const l = (target: string, more: Partial<TreeNode> = {}) => ({ kind: 'symlink', target, uid: 0, gid: 0, mtime: M, ...more }) as TreeNode;

describe.runIf(isRootOnLinux && hasRsync)('preupd diff against rsync -n', () => {
  it('maps each kind of change to the rsync item named in the header', async () => {
    const control = new Map<string, TreeNode>([
      ['samesize', f('hello\n')], ['newsize', f('hello\n')], ['chmod', f('x')], ['chown', f('x')], ['mtime', f('x')],
      ['link', l('a')], ['linktime', l('a')], ['f2d', f('x')], ['d2f', d()], ['d2f/child', f('y')], ['gone', f('z')],
      ['dir', d()], ['same', f('same')],
    ]);
    const test = new Map<string, TreeNode>([
      ['samesize', f('hellx\n')], ['newsize', f('hello world\n')], ['chmod', f('x', { perms: 0o600 })], ['chown', f('x', { uid: 5 })],
      ['mtime', f('x', { mtime: M + 100 })], ['link', l('b')], ['linktime', l('a', { mtime: M + 100 })], ['f2d', d()],
      ['d2f', f('q')], ['dir', d({ perms: 0o700 })], ['same', f('same')], ['added', f('new')],
    ]);
    const { records, items } = await bothTools(control, test, false);
    const ours = Object.fromEntries(records.map((r) => [relativeOf(r.name), r.change === 'modified' ? Object.keys(r.attributes!).join(',') : r.change]));
    const pairs = Object.fromEntries([...items].map(([path, item]) => [path, [item, ours[path]]]));
    expect(pairs).toEqual({
      samesize: ['>fc........', 'contents'],
      newsize: ['>fcs.......', 'size,contents'],
      chmod: ['.f...p.....', 'mode,acl'],
      chown: ['.f....o....', 'uid'],
      mtime: ['.f..t......', 'mtime'],
      link: ['cLc........', 'dest'],
      linktime: ['.L..t......', 'lnmtime'],
      f2d: ['cd+++++++++', expect.stringMatching(/^type,/)],
      d2f: ['>f+++++++++', expect.stringMatching(/^type,/)],
      'd2f/child': ['*deleting', 'removed'],
      gone: ['*deleting', 'removed'],
      added: ['>f+++++++++', 'added'],
      dir: ['.d...p.....', 'mode,acl'],
    });
    expect(Object.keys(ours).sort()).toEqual(Object.keys(pairs).sort());
  });

  it('reports the same set of paths as rsync -c itemizes, on random trees with random mutations', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedForestArb, async ({ control, model }) => {
        const { ours, theirs } = await bothTools(control, model, false);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 10 },
    );
  }, SLOW);

  it('reports with --quick the same set of paths as rsync without -c (both trust size and mtime)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedForestArb, async ({ control, model }) => {
        const { ours, theirs } = await bothTools(control, model, true);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 6 },
    );
  }, SLOW);
});
