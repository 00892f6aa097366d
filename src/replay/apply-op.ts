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

export interface OpContext {
  readonly target: SafeTarget;
  readonly roots: Readonly<Record<RootName, string>>;
  /** The plan's names: a version refused at its path goes to the plan's saved area. */
  readonly names: SaveNames;
  /** Called between the system calls of an op; tests throw here to simulate a kill. */
  readonly crashPoint: (label: string) => void;
}

export function applyOp(op: Op, ctx: OpContext): void {
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
  const at = ctx.target.check(path);
  const tmp = ctx.target.check(tempFor(path));
  if (lstatOrUndefined(tmp)) fs.rmSync(tmp, { recursive: true });
  try {
    create(tmp);
    ctx.crashPoint('temporary written');
    if (lstatOrUndefined(at)?.isDirectory() && !removeIfEmpty(at)) {
      const saved = savedArea(path, ctx.names);
      makeParents(saved, undefined, ctx);
      fs.renameSync(tmp, ctx.target.check(saved));
      throw new RefusedPathError(path, notEmptySaved(saved));
    }
    fs.renameSync(tmp, at);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  ctx.crashPoint('renamed');
}

function put(op: Extract<Op, { op: 'put' }>, ctx: OpContext): void {
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
    default:
      throw new RefusedPathError(op.path, NO_MKNOD);
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

/**
 * What applyOp would do, played on `view` instead of the target (`--dry-run`): the same checks
 * in the same order, so the same refusals; it must change whenever applyOp's do.
 */
export function simulateOp(op: Op, view: TargetView, ctx: Pick<OpContext, 'roots' | 'names'>): void {
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
      throw new RefusedPathError(op.path, NO_MKNOD);
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
