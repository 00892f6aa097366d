/**
 * Carries out one Op in the target. Each op is idempotent: content is read from the read-only
 * roots, written to a temporary name chosen from the path (so a replay after a crash removes
 * the same leftover first) and renamed into place.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mergeContents } from './content-merge.js';
import type { Metadata, Op, RootName } from './plan-types.js';
import { lstatOrUndefined, real, RefusedPathError, type SafeTarget } from './safe-target.js';

export interface OpContext {
  readonly target: SafeTarget;
  readonly roots: Readonly<Record<RootName, string>>;
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

const sourceOf = (ctx: OpContext, root: RootName, path: string) => real(ctx.roots[root] + path);

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

/** Writes into a fresh temporary entry, then renames it over `path` (a directory there must be empty). */
function replaceWith(path: string, ctx: OpContext, create: (tmp: string | Buffer) => void): void {
  const at = ctx.target.check(path);
  const tmp = ctx.target.check(tempFor(path));
  if (lstatOrUndefined(tmp)) fs.rmSync(tmp, { recursive: true });
  create(tmp);
  ctx.crashPoint('temporary written');
  if (lstatOrUndefined(at)?.isDirectory()) removeEmptyDirectory(at, path);
  fs.renameSync(tmp, at);
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
      throw new RefusedPathError(op.path, 'FIFOs and device nodes are not created (no mknod in node)');
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
  if (!st) throw new RefusedPathError(path, 'missing in the target');
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
  try {
    fs.rmdirSync(at);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new RefusedPathError(path, 'directory not empty; kept');
    throw err;
  }
}

function link(path: string, to: string, ctx: OpContext): void {
  makeParents(path, 'admin', ctx);
  const source = ctx.target.check(to);
  const existing = lstatOrUndefined(ctx.target.check(path));
  const linked = lstatOrUndefined(source);
  if (!linked?.isFile()) throw new RefusedPathError(path, `link source ${to} is not a regular file`);
  if (existing && existing.ino === linked.ino && existing.dev === linked.dev) return;
  replaceWith(path, ctx, (tmp) => fs.linkSync(source, tmp));
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
