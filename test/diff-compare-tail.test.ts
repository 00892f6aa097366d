/**
 * `preupd diff` leaves out entries alike on both trees; compare's merge must still see each
 * tree run out where its whole manifest does. Otherwise it takes the other tree's next entries
 * in its tail loop, whose rule check uses a stale type (spec/bart.md §5.2): an add missed or
 * one made up; and names with control bytes, which the merge pairs out of name order, came
 * out as delete + add. Two live trees and a manifest on one side; real trees, built CLI.
 */
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { preupd, scratchDir } from './real-tree.js';

const scratch = scratchDir('preupd-diff-tail-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Two trees, `common` in both, then `control`/`test` written over; everything dated 2021. */
function trees(name: string, common: Record<string, string>, test: Record<string, string>, testDirs: string[] = []): [string, string] {
  const roots = [join(scratch, name, 'c'), join(scratch, name, 't')] as [string, string];
  const files = [common, { ...common, ...test }];
  const then = new Date('2021-01-01T00:00:00Z');
  roots.forEach((root, i) => {
    mkdirSync(root, { recursive: true });
    for (const dir of i === 1 ? testDirs : []) mkdirSync(join(root, dir), { recursive: true });
    for (const [path, text] of Object.entries(files[i]!)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  });
  roots.forEach((root, i) => {
    for (const path of [...Object.keys(files[i]!), ...(i === 1 ? testDirs : []), '.']) utimesSync(join(root, path), then, then);
  });
  return roots;
}

/** What manifest compare of the trees' manifests prints, and what diff prints, live and with a saved control manifest. */
async function outputs(roots: [string, string], rules: string): Promise<{ compare: string; diff: string; diffSaved: string }> {
  const rulesFile = join(roots[0], '..', 'rules');
  writeFileSync(rulesFile, rules);
  const manifests = roots.map((root) => `${root}.manifest`);
  for (const [i, root] of roots.entries()) {
    expect((await preupd(['manifest', 'create', '--hash', 'md5', '-r', rulesFile, '-R', root, '-o', manifests[i]!])).status).toBe(0);
  }
  const compare = await preupd(['manifest', 'compare', '-r', rulesFile, ...manifests]);
  const diff = await preupd(['diff', '--hash', 'md5', '-r', rulesFile, ...roots]);
  const diffSaved = await preupd(['diff', '-r', rulesFile, manifests[0]!, roots[1]]);
  for (const run of [compare, diff, diffSaved]) expect([run.status, run.stderr]).toEqual([1, '']);
  return { compare: compare.stdout, diff: diff.stdout, diffSaved: diffSaved.stdout };
}

describe('diff, where compare would reach its tail loop early', () => {
  it('reports a file added after the last change, which a pattern rule for directories would take as pruned', async () => {
    const roots = trees('missed-add', { 'etc/hosts': 'h\n', 'var/log': 'l\n' }, {});
    // Added now: the test root's line differs too (its mtime), the last change before the add.
    writeFileSync(join(roots[1], 'tmpfile'), 'new\n');
    const got = await outputs(roots, '/ !tmp*/\n');
    expect(got.compare).toBe('/tmpfile:\n  add\n');
    expect(got).toEqual({ compare: got.compare, diff: got.compare, diffSaved: got.compare });
  });

  it('makes up no add that IGNORE add would drop', async () => {
    const roots = trees('made-up-add', { 'a.txt': 'a\n', b: 'b\n', z: 'z\n' }, { 'a.txt': 'A\n' }, ['c.o']);
    const got = await outputs(roots, 'IGNORE add\n/ !*.o\n');
    expect(got.compare).toMatch(/^\/a\.txt:\n {2}contents {2}control:\w+ {2}test:\w+\n$/);
    expect(got).toEqual({ compare: got.compare, diff: got.compare, diffSaved: got.compare });
  });

  it('pairs names holding control bytes as compare does, with a rule of two blocks', async () => {
    const roots = trees('control-bytes', { a: 'X\n', 'a\x01b': 'B\n' }, { a: 'Y\n', 'a\x01': 'N\n' });
    const got = await outputs(roots, '/\nCHECK all\nIGNORE dirmtime\n/a\n');
    expect(got.compare).toMatch(/^\/a\x01:\n {2}add\n\/a:\n {2}contents {2}control:\w+ {2}test:\w+\n$/);
    expect(got).toEqual({ compare: got.compare, diff: got.compare, diffSaved: got.compare });
  });
});
