/**
 * `preupd diff` prints what `preupd manifest compare` prints for two manifests made with
 * `preupd manifest create -r <same rules> --hash <same>` (issue 3, item 3), in bart's verbose
 * and -p formats; a saved manifest may stand for the control tree. Real trees, built CLI, as
 * root on Linux.
 */
import fc from 'fast-check';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mutatedForestArb, type TreeModel, type TreeNode } from './arbitraries/tree-mutations.js';
import { isRootOnLinux, preupd, scratchDir, writeTree } from './real-tree.js';

// Each run starts the CLI (~1 s on a loaded 2-core machine); shrinking a failure takes longer.
const SLOW = 180_000;
const scratch = scratchDir('preupd-diff-compare-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A rules file whose second block has a file-pattern modifier: files named a* (except a.b)
// are compared without contents and mtime; everything else as by default.
const MODIFIER_RULES = '/\nCHECK all\nIGNORE dirmtime\n/ a* !a.b\nIGNORE contents mtime\n';
const DEFAULT_RULES = '/\nCHECK all\nIGNORE dirmtime\n';
// Six directories of 200 bytes each: names below it pass bart's 1023-byte name buffer.
const LONG = Array.from({ length: 6 }, () => 'd'.repeat(200)).join('/');
// One block (diff walks both trees at once) whose modifier leaves out files named a*.
const ONE_BLOCK_RULES = '/ !a*\nCHECK all\nIGNORE dirmtime uid\n';

describe.runIf(isRootOnLinux)('preupd diff against manifest compare', () => {
  it.each([
    ['the default rules', DEFAULT_RULES, undefined, 'md5', []],
    ['a rules file with a modifier', MODIFIER_RULES, MODIFIER_RULES, 'sha256', ['-p']],
    ['one block with a modifier', ONE_BLOCK_RULES, ONE_BLOCK_RULES, 'xxh64', []],
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
      { numRuns: 4 },
    );
  }, SLOW);

  // A file that replaced a directory: manifest create decides hashing per file by
  // check_rules(path, 'F') (spec/bart.md §3.6), here the a* block with IGNORE contents, so
  // the file's line says '-' and so must diff's.
  it('fills the contents of a file that replaced a directory as manifest create would (-)', async () => {
    const rulesFile = join(scratch, 'rules-type-change');
    writeFileSync(rulesFile, MODIFIER_RULES);
    const node = { perms: 0o755, uid: 0, gid: 0, mtime: 1_600_000_000 };
    const control: TreeModel = new Map<string, TreeNode>([['a-b', { kind: 'dir', ...node }]]);
    const test: TreeModel = new Map<string, TreeNode>([['a-b', { kind: 'file', content: 'hi\n', ...node }]]);
    const [c, t] = [writeTree(control, scratch), writeTree(test, scratch)];
    const [cm, tm] = [c + '.manifest', t + '.manifest'];
    for (const [root, out] of [[c, cm], [t, tm]]) expect((await preupd(['manifest', 'create', '-r', rulesFile, '-R', root!, '-o', out!])).status).toBe(0);
    const compared = await preupd(['manifest', 'compare', '-r', rulesFile, cm, tm]);
    expect(compared.stdout).toContain('  contents  control:  test:-\n');
    expect(await preupd(['diff', '-r', rulesFile, c, t])).toEqual(compared);
  });

  // nftw honours a prune of its start directory: manifest create lists nothing below a root
  // its own rule prunes, so diff (which walked both trees at once under it) reports nothing.
  it('reports nothing below a root its own rule prunes, as compare of the manifests', async () => {
    const rulesFile = join(scratch, 'rules-pruned-root');
    writeFileSync(rulesFile, '/ !/\nCHECK all\n');
    const node = { perms: 0o644, uid: 0, gid: 0, mtime: 1_600_000_000 };
    const tree = (content: string): TreeModel => new Map<string, TreeNode>([['a', { kind: 'dir', ...node, perms: 0o755 }], ['a/f', { kind: 'file', content, ...node }]]);
    const [c, t] = [writeTree(tree('one\n'), scratch), writeTree(tree('two\n'), scratch)];
    const [cm, tm] = [c + '.manifest', t + '.manifest'];
    for (const [root, out] of [[c, cm], [t, tm]]) expect((await preupd(['manifest', 'create', '-r', rulesFile, '-R', root!, '-o', out!])).status).toBe(0);
    const compared = await preupd(['manifest', 'compare', '-r', rulesFile, cm, tm]);
    expect(compared).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await preupd(['diff', '-r', rulesFile, c, t])).toEqual(compared);
  });

  it("warns of a subtree that cannot be reached with exit 1, not bart create's 255", async () => {
    const rulesFile = join(scratch, 'rules-dangling-subtree');
    writeFileSync(rulesFile, '/dang\n');
    const [c, t] = [scratchDir('preupd-dangling-c-'), scratchDir('preupd-dangling-t-')];
    for (const root of [c, t]) symlinkSync('nowhere', join(root, 'dang'));
    expect((await preupd(['bart', 'create', '-r', rulesFile, '-R', c])).status).toBe(255);
    expect(await preupd(['diff', '-r', rulesFile, c, t])).toEqual({ status: 1, stdout: '', stderr: `${c}/dang: No such file or directory\n${t}/dang: No such file or directory\n` });
  });

  // A name with a raw byte below ' ' sorts before its prefix's line but after it by name:
  // bart compare's merge falls out of step and reports equal lines (spec/bart.md §2.5, §5.2).
  // A rules block without CHECK keywords: create without -n still hashes and lists all.
  it.each([
    ['a name holding a control byte next to its prefix', DEFAULT_RULES, ['a', 'a\x01'], ['a']],
    ['control bytes in a subdirectory, the prefix a directory', DEFAULT_RULES, ['d/a/x', 'd/a\x1fb', 'd/z'], ['d/a/x', 'd/z']],
    ['a control byte at the root, before the root line', DEFAULT_RULES, ['\x01a', 'b'], ['b']],
    ['a bare / rule', '/\n', ['a', 'b'], ['a', 'c']],
    ['names holding \\v and \\r, where the name compare reads ends', DEFAULT_RULES, ['b', 'a\r', 'a\x01'], ['b', 'b\v', 'a\r']],
    ['\\r and \\v inside names, where compare reads one field more', DEFAULT_RULES, ['a\rb', 'c'], ['a\rb', 'c\vd e']],
    ['paths longer than the 1023 bytes compare keeps of a name', DEFAULT_RULES, [`${LONG}/a`, `${LONG}/b`], [`${LONG}/b`]],
    ['a glob subtree that matches other names on each tree', '/d*\nCHECK all\n', ['d1/f'], ['d2/f', 'd2/g']],
  ])('prints what compare prints: %s', async (what, rules, controlFiles, testFiles) => {
    const node = { perms: 0o644, uid: 0, gid: 0, mtime: 1_600_000_000 };
    const model = (files: string[], content: string): TreeModel => {
      const m = new Map<string, TreeNode>();
      for (const f of files) {
        f.split('/').slice(0, -1).forEach((_, i, parts) => m.set(parts.slice(0, i + 1).join('/'), { kind: 'dir', ...node, perms: 0o755 }));
        m.set(f, { kind: 'file', content: f === 'a' ? content : 'same\n', ...node });
      }
      return m;
    };
    const [c, t] = [writeTree(model(controlFiles, 'one\n'), scratch), writeTree(model(testFiles, 'two\n'), scratch)];
    const [cm, tm] = [c + '.manifest', t + '.manifest'];
    const rulesFile = join(scratch, `rules-${what.length}`);
    writeFileSync(rulesFile, rules);
    for (const [root, out] of [[c, cm], [t, tm]]) expect((await preupd(['manifest', 'create', '-r', rulesFile, '-R', root!, '-o', out!])).status).toBe(0);
    const compared = await preupd(['manifest', 'compare', '-r', rulesFile, cm, tm]);
    expect(compared.stdout).not.toBe('');
    expect(await preupd(['diff', '-r', rulesFile, c, t])).toEqual(compared);
    // A saved manifest on one side: each side walked on its own and joined by name.
    expect(await preupd(['diff', '-r', rulesFile, cm, t])).toEqual(compared);
  });

  it('warns of subtrees that do not expand on a tree, as manifest create does', async () => {
    const node = { perms: 0o644, uid: 0, gid: 0, mtime: 1_600_000_000 };
    const tree = (dir: string): TreeModel => new Map<string, TreeNode>([[dir, { kind: 'dir', ...node, perms: 0o755 }], [`${dir}/f`, { kind: 'file', content: 'x\n', ...node }]]);
    const [c, t] = [writeTree(tree('only-c'), scratch), writeTree(tree('other'), scratch)];
    const rulesFile = join(scratch, 'rules-missing-subtree');
    writeFileSync(rulesFile, '/only-c\nCHECK all\n/nowhere\nCHECK all\n');
    const made = await Promise.all([c, t].map((root) => preupd(['manifest', 'create', '-r', rulesFile, '-R', root, '-o', `${root}.manifest`])));
    // bart's quirk (spec/bart.md §3.9): the warning sets the status only where nothing is walked.
    expect(made.map((m) => m.status)).toEqual([0, 1]);
    const compared = await preupd(['manifest', 'compare', '-r', rulesFile, `${c}.manifest`, `${t}.manifest`]);
    const diffed = await preupd(['diff', '-r', rulesFile, c, t]);
    expect(diffed.stdout).toBe(compared.stdout);
    expect(diffed.stderr).toBe(made[0]!.stderr + made[1]!.stderr);
    expect(diffed.stderr).toContain(`WARNING: Ignoring invalid subtree: ${t}/only-c\n`);
    expect(diffed.status).toBe(1);
  });
});
