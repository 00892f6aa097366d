/**
 * fast-check generators for small real trees and for sets of mutations applied to them
 * (issue 3, item 4). A tree is a model: relative path (segments joined by '/') -> node with
 * every attribute bart records, so that two trees written from models differ exactly where
 * the models differ. Pure: writing a model to disk is test/real-tree.ts.
 */
import fc from 'fast-check';

export interface Owner {
  uid: number;
  gid: number;
  /** Seconds since the epoch (bart prints whole seconds). */
  mtime: number;
}
export type TreeNode =
  | ({ kind: 'file'; content: string; perms: number } & Owner)
  | ({ kind: 'dir'; perms: number } & Owner)
  | ({ kind: 'symlink'; target: string } & Owner);
/** Relative path -> node; a path's parents are directories of the same tree. */
export type TreeModel = ReadonlyMap<string, TreeNode>;

/** What a mutation was meant to change, for the checks that do not go through the oracle. */
export type MutationKind =
  | 'contentSameSize' | 'contentNewSize' | 'chmod' | 'chown' | 'mtime' | 'retarget' | 'typeChange' | 'add' | 'delete';
export interface Mutation {
  kind: MutationKind;
  path: string;
}

// Segments chosen to exercise bart's order ('/a' < '/a-b' < '/a.b' < '/a/x' < '/a0') and its
// escapes (space, '*'), plus a non-ASCII name (UTF-8 bytes printed raw).
const SEGMENTS = ['a', 'b', 'a-b', 'a.b', 'a0', 'x y', 'q*', 'é', 'Zz'] as const;
const PERMS = [0o644, 0o600, 0o755, 0o640, 0o444, 0o700, 0o751] as const;
const IDS = [0, 1, 1000, 65534] as const;

const ownerArb = fc.record({
  uid: fc.constantFrom(...IDS),
  gid: fc.constantFrom(...IDS),
  mtime: fc.integer({ min: 1_000_000_000, max: 1_700_000_000 }),
});
const contentArb = fc.stringMatching(/^[a-z\n ]{0,40}$/);
const targetArb = fc.constantFrom('a', '../b', 'x y', 'no-such-target', 'a/a.b', 'é', '/etc/passwd');

export const fileArb: fc.Arbitrary<TreeNode> = fc
  .record({ owner: ownerArb, content: contentArb, perms: fc.constantFrom(...PERMS) })
  .map(({ owner, content, perms }) => ({ kind: 'file', content, perms, ...owner }));
export const dirArb: fc.Arbitrary<TreeNode> = fc
  .record({ owner: ownerArb, perms: fc.constantFrom(...PERMS) })
  .map(({ owner, perms }) => ({ kind: 'dir', perms, ...owner }));
export const symlinkArb: fc.Arbitrary<TreeNode> = fc
  .record({ owner: ownerArb, target: targetArb })
  .map(({ owner, target }) => ({ kind: 'symlink', target, ...owner }));
const leafArb = fc.oneof({ arbitrary: fileArb, weight: 6 }, { arbitrary: symlinkArb, weight: 2 }, { arbitrary: dirArb, weight: 1 });

/** A tree of up to ~25 entries, at most three levels deep. */
export const treeModelArb: fc.Arbitrary<TreeModel> = fc
  .uniqueArray(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 3 }).map((s) => s.join('/')), { minLength: 1, maxLength: 14 })
  .chain((leaves) => {
    const dirs = new Set<string>();
    for (const l of leaves) {
      const segs = l.split('/');
      for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
    }
    const files = leaves.filter((l) => !dirs.has(l));
    return fc
      .tuple(fc.array(dirArb, { minLength: dirs.size, maxLength: dirs.size }), fc.array(leafArb, { minLength: files.length, maxLength: files.length }))
      .map(([dirNodes, leafNodes]) => {
        const model = new Map<string, TreeNode>();
        [...dirs].forEach((d, i) => model.set(d, dirNodes[i]!));
        files.forEach((f, i) => model.set(f, leafNodes[i]!));
        return model as TreeModel;
      });
  });

const isUnder = (path: string, dir: string) => path.startsWith(dir + '/');

/** A choice for one path, resolved against the model by applyMutations. */
interface MutationPlan {
  kind: MutationKind;
  /** Index into the model's paths (taken modulo their number). */
  at: number;
  node: TreeNode;
  pick: number;
  segment: string;
}

const planArb: fc.Arbitrary<MutationPlan> = fc.record({
  kind: fc.constantFrom<MutationKind>('contentSameSize', 'contentNewSize', 'chmod', 'chown', 'mtime', 'retarget', 'typeChange', 'add', 'delete'),
  at: fc.nat(),
  node: leafArb,
  pick: fc.nat(),
  segment: fc.constantFrom('new', 'n*w', 'a', 'a-c', 'é2'),
});

/** What the mutation does to one node, or undefined when the kind does not apply to it. */
function changed(kind: MutationKind, node: TreeNode, plan: MutationPlan): TreeNode | undefined {
  switch (kind) {
    case 'contentSameSize': {
      if (node.kind !== 'file' || node.content.length === 0) return undefined;
      const i = plan.pick % node.content.length;
      const c = node.content[i] === 'x' ? 'y' : 'x';
      return { ...node, content: node.content.slice(0, i) + c + node.content.slice(i + 1) };
    }
    case 'contentNewSize':
      return node.kind === 'file' ? { ...node, content: node.content + 'z'.repeat(1 + (plan.pick % 3)) } : undefined;
    case 'chmod':
      // Only rwx bits: the POSIX ACL text follows them, so mode and acl both change.
      return node.kind === 'symlink' ? undefined : { ...node, perms: node.perms ^ [0o004, 0o020, 0o100, 0o044][plan.pick % 4]! };
    case 'chown': {
      const which = plan.pick % 3;
      return { ...node, uid: which !== 1 ? node.uid + 7 : node.uid, gid: which !== 0 ? node.gid + 11 : node.gid };
    }
    case 'mtime':
      return { ...node, mtime: node.mtime + 1 + (plan.pick % 100_000) };
    case 'retarget':
      return node.kind === 'symlink' ? { ...node, target: node.target === 'a' ? 'b/../somewhere' : 'a' } : undefined;
    case 'typeChange':
      return plan.node.kind === node.kind ? undefined : plan.node;
    default:
      return undefined;
  }
}

/**
 * Applies up to n planned mutations to distinct paths; none touches a path below a directory
 * that another mutation deleted or replaced. Returns the new model and what was done.
 */
export function applyMutations(model: TreeModel, plans: readonly MutationPlan[]): { model: TreeModel; mutations: Mutation[] } {
  const next = new Map(model);
  const mutations: Mutation[] = [];
  const touched = new Set<string>();
  const gone: string[] = []; // directories deleted or replaced
  const blocked = (p: string) => touched.has(p) || gone.some((g) => p === g || isUnder(p, g));
  // Deleting or replacing a directory would undo earlier mutations below it.
  const hasTouchedBelow = (dir: string) => [...touched].some((t) => isUnder(t, dir));
  for (const plan of plans) {
    const paths = [...next.keys()].sort();
    if (plan.kind === 'add') {
      const dirs = ['', ...paths.filter((p) => next.get(p)!.kind === 'dir')];
      const dir = dirs[plan.at % dirs.length]!;
      const path = dir === '' ? plan.segment : `${dir}/${plan.segment}`;
      if (next.has(path) || blocked(path)) continue;
      next.set(path, plan.node);
      touched.add(path);
      mutations.push({ kind: 'add', path });
      continue;
    }
    if (paths.length === 0) continue;
    const path = paths[plan.at % paths.length]!;
    if (blocked(path)) continue;
    const node = next.get(path)!;
    if ((plan.kind === 'delete' || plan.kind === 'typeChange') && node.kind === 'dir' && hasTouchedBelow(path)) continue;
    if (plan.kind === 'delete') {
      for (const p of paths) if (p === path || isUnder(p, path)) next.delete(p);
      if (node.kind === 'dir') gone.push(path);
    } else {
      const after = changed(plan.kind, node, plan);
      if (!after) continue;
      if (plan.kind === 'typeChange' && node.kind === 'dir') {
        for (const p of paths) if (isUnder(p, path)) next.delete(p);
        gone.push(path);
      }
      next.set(path, after);
    }
    touched.add(path);
    mutations.push({ kind: plan.kind, path });
  }
  return { model: next, mutations };
}

/** A tree and a mutated copy of it (1 to 6 mutations that took effect). */
export const mutatedTreeArb = fc
  .tuple(treeModelArb, fc.array(planArb, { minLength: 1, maxLength: 8 }))
  .map(([control, plans]) => ({ control, ...applyMutations(control, plans) }))
  .filter((t) => t.mutations.length > 0);

const GROUP_DIR: TreeNode = { kind: 'dir', perms: 0o755, uid: 0, gid: 0, mtime: 1_500_000_000 };

/**
 * Two to three independent mutated trees side by side (in t0/, t1/, ...): more cases per
 * run of the CLI, whose start-up dominates these tests.
 */
export const mutatedForestArb = fc.array(mutatedTreeArb, { minLength: 2, maxLength: 3 }).map((trees) => {
  const control = new Map<string, TreeNode>();
  const model = new Map<string, TreeNode>();
  const mutations: Mutation[] = [];
  trees.forEach((tree, i) => {
    const prefix = `t${i}`;
    control.set(prefix, GROUP_DIR);
    model.set(prefix, GROUP_DIR);
    for (const [p, n] of tree.control) control.set(`${prefix}/${p}`, n);
    for (const [p, n] of tree.model) model.set(`${prefix}/${p}`, n);
    for (const m of tree.mutations) mutations.push({ ...m, path: `${prefix}/${m.path}` });
  });
  return { control: control as TreeModel, model: model as TreeModel, mutations };
});
