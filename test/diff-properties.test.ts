/**
 * `preupd diff` on real directories, through the built CLI (issue 3, item 4): a random tree
 * and a random set of mutations must be reported as exactly those paths and attributes; diff
 * must print what `manifest compare` prints for manifests of the two trees; a tree equals
 * itself; --quick, the default and --paranoid differ exactly where documented.
 * Runs as root on Linux (chown, lchown); the trees live on the temp directory's file system.
 */
import fc from 'fast-check';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileArb, mutatedForestArb, treeModelArb, type Mutation, type TreeModel, type TreeNode } from './arbitraries/tree-mutations.js';
import { expectedChanges, isRootOnLinux, nameOf, parseJsonLines, preupd, scratchDir, writeTree, type JsonChange } from './real-tree.js';

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
      { numRuns: 16 },
    );
  });

  it('prints nothing and exits 0 for two copies of one tree, and for a tree against itself', async () => {
    await fc.assert(
      fc.asyncProperty(treeModelArb, async (model) => {
        const { run } = await diffJson(model, model);
        expect([run.stdout, run.stderr, run.status]).toEqual(['', '', 0]);
      }),
      { numRuns: 5 },
    );
    const root = writeTree(fc.sample(treeModelArb, { numRuns: 1, seed: 7 })[0]!, scratch);
    expect(await preupd(['diff', root, root])).toEqual({ stdout: '', stderr: '', status: 0 });
  });

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

// A rules file whose second block has a file-pattern modifier: files named a* (except a.b)
// are compared without contents and mtime; everything else as by default.
const MODIFIER_RULES = '/\nCHECK all\nIGNORE dirmtime\n/ a* !a.b\nIGNORE contents mtime\n';
const DEFAULT_RULES = '/\nCHECK all\nIGNORE dirmtime\n';

describe.runIf(isRootOnLinux)('preupd diff against manifest compare', () => {
  it.each([
    ['the default rules', DEFAULT_RULES, undefined, 'md5', []],
    ['a rules file with a modifier', MODIFIER_RULES, MODIFIER_RULES, 'sha256', ['-p']],
  ] as const)('prints what compare of two saved manifests prints, with %s', async (_what, rules, diffRules, hash, format) => {
    const rulesFile = join(scratch, `rules-${hash}`);
    writeFileSync(rulesFile, rules);
    await fc.assert(
      fc.asyncProperty(mutatedForestArb, async ({ control, model: test }) => {
        const c = writeTree(control, scratch);
        const t = writeTree(test, scratch);
        const [cm, tm] = [join(c + '.manifest'), join(t + '.manifest')];
        try {
          const made = await Promise.all([
            preupd(['manifest', 'create', '-r', rulesFile, '--hash', hash, '-R', c, '-o', cm]),
            preupd(['manifest', 'create', '-r', rulesFile, '--hash', hash, '-R', t, '-o', tm]),
          ]);
          expect(made.map((m) => [m.status, m.stderr])).toEqual([[0, ''], [0, '']]);
          const rulesArgs = diffRules === undefined ? [] : ['-r', rulesFile];
          const [compared, diffed, againstSaved] = await Promise.all([
            preupd(['manifest', 'compare', '-r', rulesFile, ...format, cm, tm]),
            preupd(['diff', ...rulesArgs, '--hash', hash, ...format, c, t]),
            // A saved manifest may stand for the control tree: its hashes are reused.
            preupd(['diff', ...rulesArgs, ...format, cm, t]),
          ]);
          expect(compared.stderr).toBe('');
          expect(diffed).toEqual(compared);
          expect(againstSaved).toEqual(compared);
        } finally {
          for (const p of [c, t, cm, tm]) rmSync(p, { recursive: true, force: true });
        }
      }),
      { numRuns: 6 },
    );
  });
});
