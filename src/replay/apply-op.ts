/**
 * Carries out one Op in the target. Each op is idempotent: content is read from the read-only
 * roots, written to a temporary name chosen from the path (so a replay after a crash removes
 * the same leftover first) and renamed into place.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mergeContents } from './content-merge.js';
import type { Metadata, Op, RootName } from './plan-types.js';
import { type EntryKind, lstatOrUndefined, real, RefusedPathError, type SafeTarget, type TargetView } from './safe-target.js';
import { savedArea, type SaveNames } from './steps.js';

/** bart's letters of what a NodeMaker makes: FIFO, block device, character device. */
export type NodeType = 'P' | 'B' | 'C';

/**
 * Makes FIFOs and device nodes, which Node cannot (no mknod(2)): the CLI and the pipeline
 * give one that runs the system `mknod` (src/system/mknod.ts). Injected, so this module never
 * runs a command itself.
 */
export interface NodeMaker {
  /** Only prints the command: the maker a dry run needs, and a real run must not have. */
  readonly dryRun: boolean;
  /**
   * Makes a node of `type` at `at` (a file-system path, as the command gets it), where nothing
   * is. `rdev` is st_rdev as this machine's lstat gives it (ignored for a FIFO): the maker
   * splits it into major and minor as this platform packs them. Mode, owner and times are the
   * caller's to set.
   */
  make(at: string, type: NodeType, rdev: bigint): Promise<void>;
}

export interface OpContext {
  readonly target: SafeTarget;
  readonly roots: Readonly<Record<RootName, string>>;
  /** The plan's names: a version refused at its path goes to the plan's saved area. */
  readonly names: SaveNames;
  /** Called between the system calls of an op; tests throw here to simulate a kill. */
  readonly crashPoint: (label: string) => void;
  /** Makes FIFOs and device nodes; without one (unit tests on memfs...) they are refused. */
  readonly nodeMaker?: NodeMaker;
}

/** Ops run one at a time: only making a node awaits (a command), everything else is synchronous. */
export async function applyOp(op: Op, ctx: OpContext): Promise<void> {
  switch (op.op) {
    case 'put':
      return put(op, ctx);
    case 'merge':
      return merge(op, ctx);
    case 'meta':
      return setMetadata(ctx.target.check(op.path), op.meta, op.path);
    case 'remove':
      return remove(ctx.target.check(op.path), op.path);
    case 'link':
      return link(op.path, op.to, ctx);
  }
}

const sourceOf = (ctx: Pick<OpContext, 'roots'>, root: RootName, path: string) => real(ctx.roots[root] + path);

/** Reasons shared by applyOp and simulateOp, so a dry run words its refusals as the real run does. */
const NO_MKNOD = 'FIFOs and device nodes are not created (no mknod in node)';
const notCreated = (type: string) => `entries of type ${type} are not created`;
const NOT_UTF8 = 'the mknod command cannot be given this path: it is not UTF-8';
const MISSING = 'missing in the target';
const NOT_EMPTY = 'directory not empty; kept';
const notEmptySaved = (saved: string) => `${NOT_EMPTY}, and the version meant for it saved as ${saved}`;
const notAFile = (to: string) => `link source ${to} is not a regular file`;

/**
 * R2: missing parents get the metadata they have in the root the entry comes from; parents
 * of a saved copy (lost+found, saved area) that no root has get 0755.
 */
function makeParents(path: string, from: RootName | undefined, ctx: OpContext): void {
  ctx.target.makeParents(path, (dir) => {
    const st = from ? lstatOrUndefined(sourceOf(ctx, from, dir)) : undefined;
    return st?.isDirectory() ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : { mode: 0o755 };
  });
}

/** `dir/.preupd-<sha1 of name>.tmp`: short whatever the name's length, and fixed per path. */
function tempFor(path: string): string {
  const slash = path.lastIndexOf('/');
  const digest = createHash('sha1').update(path.slice(slash + 1), 'latin1').digest('hex').slice(0, 16);
  return `${path.slice(0, slash)}/.preupd-${digest}.tmp`;
}

/**
 * Writes into a fresh temporary entry, then renames it over `path`. A directory there must be
 * empty; when it is not, it is kept and the new version goes to the saved area instead
 * (spec "Safety": nothing the admin wrote is lost). The temporary never outlives the call.
 */
function replaceWith(path: string, ctx: OpContext, create: (tmp: string | Buffer) => void): void {
  const { at, tmp } = freshTemporary(path, ctx);
  try {
    create(tmp);
    ctx.crashPoint('temporary written');
    moveIntoPlace(tmp, at, path, ctx);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  ctx.crashPoint('renamed');
}

/** `path` and its temporary in the target, a leftover of a killed run removed. */
function freshTemporary(path: string, ctx: OpContext): { at: string | Buffer; tmp: string | Buffer } {
  const at = ctx.target.check(path);
  const tmp = ctx.target.check(tempFor(path));
  if (lstatOrUndefined(tmp)) fs.rmSync(tmp, { recursive: true });
  return { at, tmp };
}

/** Renames `made` over `at` (`path`), or to the saved area when a non-empty directory is there. */
function moveIntoPlace(made: string | Buffer, at: string | Buffer, path: string, ctx: OpContext): void {
  if (lstatOrUndefined(at)?.isDirectory() && !removeIfEmpty(at)) {
    const saved = savedArea(path, ctx.names);
    makeParents(saved, undefined, ctx);
    fs.renameSync(made, ctx.target.check(saved));
    throw new RefusedPathError(path, notEmptySaved(saved));
  }
  fs.renameSync(made, at);
}

/**
 * The node inside a temporary: mknod makes it 0666 less the umask, and a device node that
 * others can open, even for a moment, opens the device to them. So the temporary is a
 * directory only its owner (root) can enter, holding the node until its own mode and owner are
 * set; the node is then renamed out of it into place.
 */
const nodeIn = (tmp: string | Buffer): string | Buffer => (typeof tmp === 'string' ? `${tmp}/node` : Buffer.concat([tmp, Buffer.from('/node')]));

/** A file-system path as argv text: the command gets exactly these bytes only when they are UTF-8. */
function argText(at: string | Buffer, path: string): string {
  if (typeof at === 'string') return at;
  const text = at.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(at)) throw new RefusedPathError(path, NOT_UTF8);
  return text;
}

/** Whether `type` is made by a NodeMaker. */
const isNodeType = (type: string): type is NodeType => type === 'P' || type === 'B' || type === 'C';

/**
 * The device number of `from`'s entry, read live as F's content is (the manifest's devnode is
 * the low 32 bits only, spec/bart.md §2.3). Throws when the entry is no longer of the planned type.
 */
function sourceDevice(op: Extract<Op, { op: 'put' }>, ctx: Pick<OpContext, 'roots'>): bigint {
  const st = fs.lstatSync(sourceOf(ctx, op.from, op.source), { bigint: true, throwIfNoEntry: false });
  const same = op.type === 'P' ? st?.isFIFO() : op.type === 'B' ? st?.isBlockDevice() : st?.isCharacterDevice();
  if (!st || !same) throw new Error(`${op.source}: no longer of type ${op.type} in ${op.from} (inputs changed since planning)`);
  return st.rdev;
}

/** R2 for a FIFO or a device node: made in a private temporary directory (nodeIn), then renamed into place. */
async function putNode(op: Extract<Op, { op: 'put' }> & { type: NodeType }, maker: NodeMaker, ctx: OpContext): Promise<void> {
  const rdev = sourceDevice(op, ctx);
  const { at, tmp } = freshTemporary(op.path, ctx);
  const node = nodeIn(tmp);
  try {
    fs.mkdirSync(tmp, { mode: 0o700 });
    await maker.make(argText(node, op.path), op.type, rdev);
    finish(node, op.meta, op.mtime);
    ctx.crashPoint('temporary written');
    moveIntoPlace(node, at, op.path, ctx);
    ctx.crashPoint('node renamed, its temporary directory not yet removed');
    fs.rmdirSync(tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  ctx.crashPoint('renamed');
}

async function put(op: Extract<Op, { op: 'put' }>, ctx: OpContext): Promise<void> {
  makeParents(op.path, op.source === op.path ? op.from : undefined, ctx);
  const source = sourceOf(ctx, op.from, op.source);
  switch (op.type) {
    case 'D': {
      const at = ctx.target.check(op.path);
      const st = lstatOrUndefined(at);
      if (st && !st.isDirectory()) fs.unlinkSync(at);
      if (!st?.isDirectory()) fs.mkdirSync(at, { mode: op.meta.mode });
      // R10: directory mtimes are not carried.
      return setMetadata(at, op.meta, op.path);
    }
    case 'F':
      return replaceWith(op.path, ctx, (tmp) => {
        fs.copyFileSync(source, tmp, fs.constants.COPYFILE_EXCL);
        finish(tmp, op.meta, op.mtime);
      });
    case 'L':
      return replaceWith(op.path, ctx, (tmp) => {
        fs.symlinkSync(fs.readlinkSync(source, { encoding: 'buffer' }), tmp);
        fs.lchownSync(tmp, op.meta.uid, op.meta.gid);
        fs.lutimesSync(tmp, op.mtime, op.mtime);
      });
    case 'P':
    case 'B':
    case 'C':
      if (!ctx.nodeMaker) throw new RefusedPathError(op.path, NO_MKNOD);
      return putNode({ ...op, type: op.type }, ctx.nodeMaker, ctx);
    default:
      throw new RefusedPathError(op.path, notCreated(op.type));
  }
}

function merge(op: Extract<Op, { op: 'merge' }>, ctx: OpContext): void {
  const read = (root: RootName) => fs.readFileSync(sourceOf(ctx, root, op.path), 'latin1');
  const merged = mergeContents(op.merge, read('base'), read('admin'), read('update'));
  if (!merged) throw new Error(`${op.path}: the three versions no longer merge (inputs changed since planning)`);
  replaceWith(op.path, ctx, (tmp) => {
    fs.writeFileSync(tmp, merged.text, { encoding: 'latin1', flag: 'wx', mode: 0o600 });
    finish(tmp, op.meta, op.mtime);
  });
}

/** Owner first: chown clears set-id bits, which chmod then restores. */
function finish(file: string | Buffer, meta: Metadata, mtime: number): void {
  fs.lchownSync(file, meta.uid, meta.gid);
  fs.chmodSync(file, meta.mode);
  fs.utimesSync(file, mtime, mtime);
}

function setMetadata(at: string | Buffer, meta: Metadata, path: string): void {
  const st = lstatOrUndefined(at);
  if (!st) throw new RefusedPathError(path, MISSING);
  fs.lchownSync(at, meta.uid, meta.gid);
  // A symlink's own mode means nothing and cannot be set; chmod would follow it.
  if (!st.isSymbolicLink()) fs.chmodSync(at, meta.mode);
}

function remove(at: string | Buffer, path: string): void {
  const st = lstatOrUndefined(at);
  if (!st) return;
  if (st.isDirectory()) removeEmptyDirectory(at, path);
  else fs.unlinkSync(at);
}

/** Something no manifest listed may be inside: then it is kept and reported, never deleted recursively. */
function removeEmptyDirectory(at: string | Buffer, path: string): void {
  if (!removeIfEmpty(at)) throw new RefusedPathError(path, NOT_EMPTY);
}

/** rmdir; false when the directory is not empty. */
function removeIfEmpty(at: string | Buffer): boolean {
  try {
    fs.rmdirSync(at);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}

function link(path: string, to: string, ctx: OpContext): void {
  makeParents(path, 'admin', ctx);
  const source = ctx.target.check(to);
  const existing = lstatOrUndefined(ctx.target.check(path));
  const linked = lstatOrUndefined(source);
  if (!linked?.isFile()) throw new RefusedPathError(path, notAFile(to));
  if (existing && existing.ino === linked.ino && existing.dev === linked.dev) return;
  replaceWith(path, ctx, (tmp) => fs.linkSync(source, tmp));
}

/** What simulateOp needs: applyOp's context without the target's writes, plus where the target is. */
export type SimulateContext = Pick<OpContext, 'roots' | 'names' | 'nodeMaker'> & { readonly targetRoot: string };

/**
 * What applyOp would do, played on `view` instead of the target (`--dry-run`): the same checks
 * in the same order, so the same refusals; it must change whenever applyOp's do. The node
 * maker (a dry one) prints the mknod commands the real run would run, temporary names included.
 */
export async function simulateOp(op: Op, view: TargetView, ctx: SimulateContext): Promise<void> {
  switch (op.op) {
    case 'put': {
      view.makeParents(op.path);
      view.check(op.path);
      if (op.type === 'D') {
        if (view.kind(op.path) !== 'dir') view.set(op.path, 'dir');
        return;
      }
      if (op.type === 'F') return simulateReplace(op.path, 'file', view, ctx, () => fs.readFileSync(sourceOf(ctx, op.from, op.source), 'latin1'));
      if (op.type === 'L') return simulateReplace(op.path, 'symlink', view, ctx);
      if (isNodeType(op.type)) {
        if (!ctx.nodeMaker) throw new RefusedPathError(op.path, NO_MKNOD);
        const rdev = sourceDevice(op, ctx);
        await ctx.nodeMaker.make(argText(nodeIn(real(ctx.targetRoot + tempFor(op.path))), op.path), op.type, rdev);
        return simulateReplace(op.path, 'other', view, ctx);
      }
      throw new RefusedPathError(op.path, notCreated(op.type));
    }
    case 'merge': {
      const read = (root: RootName) => fs.readFileSync(sourceOf(ctx, root, op.path), 'latin1');
      return simulateReplace(op.path, 'file', view, ctx, () => mergeContents(op.merge, read('base'), read('admin'), read('update'))?.text ?? '');
    }
    case 'meta':
      view.check(op.path);
      if (!view.kind(op.path)) throw new RefusedPathError(op.path, MISSING);
      return;
    case 'remove':
      view.check(op.path);
      if (view.kind(op.path) === 'dir' && !view.isEmptyDirectory(op.path)) throw new RefusedPathError(op.path, NOT_EMPTY);
      return view.set(op.path, undefined);
    case 'link': {
      view.makeParents(op.path);
      view.check(op.to);
      view.check(op.path);
      if (view.kind(op.to) !== 'file') throw new RefusedPathError(op.path, notAFile(op.to));
      return simulateReplace(op.path, 'file', view, ctx, () => view.readFile(op.to) ?? '');
    }
  }
}

function simulateReplace(path: string, kind: EntryKind, view: TargetView, ctx: Pick<OpContext, 'names'>, text?: () => string): void {
  view.check(path);
  if (view.kind(path) === 'dir' && !view.isEmptyDirectory(path)) {
    const saved = savedArea(path, ctx.names);
    view.makeParents(saved);
    view.set(saved, kind, text);
    throw new RefusedPathError(path, notEmptySaved(saved));
  }
  view.set(path, kind, text);
}

/** Writes `text` (a byte string) at `path` in the target, atomically, with the given metadata. */
export function writeTargetFile(path: string, text: string, meta: Omit<Metadata, 'acl'>, ctx: OpContext): void {
  makeParents(path, undefined, ctx);
  replaceWith(path, ctx, (tmp) => {
    fs.writeFileSync(tmp, text, { encoding: 'latin1', flag: 'wx', mode: 0o600 });
    fs.lchownSync(tmp, meta.uid, meta.gid);
    fs.chmodSync(tmp, meta.mode);
  });
}
