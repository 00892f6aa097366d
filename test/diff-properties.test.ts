/**
 * `preupd diff` on real directories, through the built CLI (issue 3, item 4): a random tree
 * and a random set of mutations must be reported as exactly those paths and attributes (and
 * values); a tree equals itself; --quick, the default and --paranoid differ exactly where
 * documented. diff against `manifest compare`: test/diff-compare.test.ts; against rsync:
 * test/diff-rsync.test.ts.
 * Runs as root on Linux (chown, lchown); the trees live on the temp directory's file system.
 */
import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fileArb, mutatedForestArb, treeModelArb, type Mutation, type TreeModel, type TreeNode } from './arbitraries/tree-mutations.js';
import { expectedChanges, isRootOnLinux, nameOf, parseJsonLines, preupd, scratchDir, writeTree, type JsonChange } from './real-tree.js';

// Each run starts the CLI (~1 s on a loaded 2-core machine); shrinking a failure takes longer.
const SLOW = 180_000;
const scratch = scratchDir('preupd-diff-prop-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes both models, runs `diff --json --hash md5`, removes the trees. */
async function diffJson(control: TreeModel, test: TreeModel, extra: string[] = []) {
  const c = writeTree(control, scratch);
  const t = writeTree(test, scratch);
  try {
    const run = await preupd(['diff', '--json', '--hash', 'md5', ...extra, c, t]);
    return { run, expected: expectedChanges(control, test, c, t) };
  } finally {
    rmSync(c, { recursive: true, force: true });
    rmSync(t, { recursive: true, force: true });
  }
}

/** Checks one mutation's own record against what that kind of mutation must change. */
function checkMutation(m: Mutation, control: TreeModel, test: TreeModel, got: Map<string, JsonChange>) {
  const record = got.get(nameOf(m.path));
  const keys = Object.keys(record?.attributes ?? {}).sort();
  const before = control.get(m.path);
  const below = (model: TreeModel) => [...model.keys()].filter((p) => p.startsWith(m.path + '/'));
  switch (m.kind) {
    case 'contentSameSize':
      return expect(keys).toEqual(['contents']);
    case 'contentNewSize':
      return expect(keys).toEqual(['contents', 'size']);
    case 'chmod':
      return expect(keys).toEqual(['acl', 'mode']);
    case 'chown':
      expect(keys.length).toBeGreaterThan(0);
      return expect(keys.every((k) => k === 'uid' || k === 'gid')).toBe(true);
    case 'mtime':
      // dirmtime is ignored by default; a symlink's time is lnmtime.
      if (before!.kind === 'dir') return expect(keys.filter((k) => k.endsWith('mtime'))).toEqual([]);
      return expect(keys).toEqual([before!.kind === 'symlink' ? 'lnmtime' : 'mtime']);
    case 'retarget':
      expect(keys).toContain('dest');
      return expect(keys.every((k) => k === 'dest' || k === 'size')).toBe(true);
    case 'typeChange':
      expect(keys).toContain('type');
      for (const p of below(control)) expect(got.get(nameOf(p))?.change).toBe('removed');
      return;
    case 'add':
      return expect(record?.change).toBe('added');
    case 'delete':
      expect(record?.change).toBe('removed');
      // A deleted directory's children are reported deleted too.
      for (const p of below(control)) expect(got.get(nameOf(p))?.change).toBe('removed');
  }
}

describe.runIf(isRootOnLinux)('preupd diff on mutated real trees', () => {
  it('reports exactly the mutated paths with exactly the mutated attributes and values', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedForestArb, async ({ control, model: test, mutations }) => {
        const { run, expected } = await diffJson(control, test);
        expect(run.stderr).toBe('');
        const got = parseJsonLines(run.stdout);
        expect(got).toEqual(expected);
        expect(run.status).toBe(expected.length ? 1 : 0);
        const byName = new Map(got.map((g) => [g.name, g]));
        for (const m of mutations) checkMutation(m, control, test, byName);
      }),
      // Each run holds 2-3 mutated trees: ~40 trees in all.
      { numRuns: 12 },
    );
  }, SLOW);

  it('prints nothing and exits 0 for two copies of one tree, and for a tree against itself', async () => {
    await fc.assert(
      fc.asyncProperty(treeModelArb, async (model) => {
        const { run } = await diffJson(model, model);
        expect([run.stdout, run.stderr, run.status]).toEqual(['', '', 0]);
      }),
      { numRuns: 4 },
    );
    const root = writeTree(fc.sample(treeModelArb, { numRuns: 1, seed: 7 })[0]!, scratch);
    expect(await preupd(['diff', root, root])).toEqual({ stdout: '', stderr: '', status: 0 });
  }, SLOW);

  it('misses a same-size, same-mtime content change under --quick, as documented; the default and --paranoid catch it', async () => {
    const sample = fc.sample(fileArb.filter((f) => f.kind === 'file' && f.content.length > 0), { numRuns: 1, seed: 42 })[0]!;
    if (sample.kind !== 'file') throw new Error('fileArb gave no file');
    const control: TreeModel = new Map<string, TreeNode>([['etc', { kind: 'dir', perms: 0o755, uid: 0, gid: 0, mtime: sample.mtime }], ['etc/motd', sample]]);
    const flipped = sample.content[0] === 'x' ? 'y' + sample.content.slice(1) : 'x' + sample.content.slice(1);
    const test: TreeModel = new Map([...control, ['etc/motd', { ...sample, content: flipped }]]);
    const quick = await diffJson(control, test, ['--quick']);
    expect([quick.run.stdout, quick.run.status]).toEqual(['', 0]);
    for (const mode of [[], ['--paranoid']]) {
      const { run, expected } = await diffJson(control, test, mode);
      expect(expected.map((e) => [e.name, Object.keys(e.attributes ?? {})])).toEqual([['/etc/motd', ['contents']]]);
      expect(parseJsonLines(run.stdout)).toEqual(expected);
      expect(run.status).toBe(1);
    }
  });
});
