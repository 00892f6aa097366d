/**
 * Random four-root scenarios: a small base tree, then admin and update edits of it. Paths come
 * from a fixed namespace so that edits meet often; contents are short lines.
 */
import fc from 'fast-check';
import { dir, file, type Node, type Tree } from './trees.js';

export const DIRS = ['d0', 'd1', 'd1/e'];
export const FILES = ['f0', 'f1', 'd0/f2', 'd0/f3', 'd1/f4', 'd1/e/f5'];
const lineArb = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'eps');
export const contentArb = fc.array(lineArb, { minLength: 1, maxLength: 6 }).map((lines) => `${lines.join('\n')}\n`);
const modeArb = fc.constantFrom(0o600, 0o640, 0o644, 0o755);
const mtimeArb = fc.integer({ min: 1_600_000_000, max: 1_700_000_000 });

export const fileNodeArb: fc.Arbitrary<Node> = fc.record({ content: contentArb, mode: modeArb, mtime: mtimeArb }).map((f) => file(f.content, f));

export const baseTreeArb: fc.Arbitrary<Tree> = fc
  .subarray(FILES, { minLength: 1 })
  .chain((paths) => fc.tuple(...paths.map(() => fileNodeArb)).map((nodes) => ({
    ...Object.fromEntries(DIRS.map((d) => [d, dir()])),
    ...Object.fromEntries(paths.map((p, i) => [p, nodes[i]!])),
  })));

export type Edit = { kind: 'content'; node: Node } | { kind: 'mode'; mode: number } | { kind: 'delete' } | { kind: 'add'; node: Node };

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fileNodeArb.map((node) => ({ kind: 'content' as const, node })),
  modeArb.map((mode) => ({ kind: 'mode' as const, mode })),
  fc.constant({ kind: 'delete' as const }),
);

/** Applies edits to a copy of `tree`: edits of absent files become additions. */
export function applyEdits(tree: Tree, edits: ReadonlyMap<string, Edit>): Tree {
  const out: Tree = { ...tree };
  for (const [path, edit] of edits) {
    const node = out[path];
    if (edit.kind === 'delete') delete out[path];
    else if (edit.kind === 'mode') {
      if (node?.kind === 'file') out[path] = { ...node, mode: edit.mode };
    } else out[path] = edit.node;
  }
  return out;
}

/** Edits on a random subset of `paths` (existing files and new names alike). */
export function editsArb(paths: readonly string[]): fc.Arbitrary<Map<string, Edit>> {
  return fc.subarray([...paths]).chain((chosen) =>
    fc.tuple(...chosen.map(() => editArb)).map((edits) => new Map(chosen.map((p, i) => [p, edits[i]!]))));
}

/** Names only admin or only update may add (disjoint additions). */
export const ADMIN_NEW = ['a-new', 'd0/a-new', 'd1/e/a-new'];
export const UPDATE_NEW = ['u-new', 'd1/u-new'];

/** base, and edits of admin and update on disjoint paths. */
export const disjointScenarioArb = baseTreeArb.chain((base) =>
  fc.shuffledSubarray(FILES).chain((shuffled) => {
    const cut = Math.floor(shuffled.length / 2);
    return fc.record({
      base: fc.constant(base),
      admin: editsArb([...shuffled.slice(0, cut), ...ADMIN_NEW]).map((e) => applyEdits(base, e)),
      update: editsArb([...shuffled.slice(cut), ...UPDATE_NEW]).map((e) => applyEdits(base, e)),
    });
  }));

/** base, and edits of admin and update on the same paths (additions of the same names too). */
export const overlappingScenarioArb = baseTreeArb.chain((base) =>
  fc.record({
    base: fc.constant(base),
    admin: editsArb([...FILES, 'both-new']).map((e) => applyEdits(base, e)),
    update: editsArb([...FILES, 'both-new']).map((e) => applyEdits(base, e)),
    preserve: fc.dictionary(fc.constantFrom(...FILES, 'both-new'), fc.constantFrom('true', 'renameold', 'renamenew', 'abandon')),
  }));
