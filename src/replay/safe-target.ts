/**
 * Path checks for every write into the target (spec/reintegration.md "Safety"): a path must be
 * a clean absolute byte string, and no component above its last may be a symlink or leave the
 * target. Node has no openat(), so each write is preceded by an lstat of every ancestor; the
 * last component is never followed either (rename replaces a symlink, unlink removes it).
 */
import * as fs from 'node:fs';
import { fsPath } from '../walk/walk-fs.js';

/** A step whose path the executor refuses; reported, never fatal. */
export class RefusedPathError extends Error {
  readonly code = 'PREUPD_REFUSED';
  constructor(readonly path: string, readonly why: string) {
    super(`${path}: ${why}`);
  }
}

export interface SafeTarget {
  readonly root: string;
  /** The file-system path of `path` (a byte string); throws RefusedPathError when unsafe. */
  check(path: string): string | Buffer;
  /** Creates missing ancestors of `path`, each with the mode and owner `metaOf` gives. */
  makeParents(path: string, metaOf: (dir: string) => { mode: number; uid?: number; gid?: number }): void;
}

/** A byte-string path as node:fs takes it. */
export const real = (path: string): string | Buffer => fsPath(path);

export function lstatOrUndefined(path: string | Buffer): fs.Stats | undefined {
  return fs.lstatSync(path, { throwIfNoEntry: false });
}

function validate(path: string): string[] {
  const parts = path.split('/').slice(1);
  if (!path.startsWith('/') || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new RefusedPathError(path, 'not a clean path inside the target');
  }
  return parts;
}

export function safeTarget(root: string): SafeTarget {
  const checkAncestors = (path: string): string[] => {
    const parts = validate(path);
    let prefix = '';
    for (const part of parts.slice(0, -1)) {
      prefix += `/${part}`;
      const st = lstatOrUndefined(real(root + prefix));
      if (!st) break; // missing: created later by makeParents, which checks again
      if (st.isSymbolicLink()) throw new RefusedPathError(path, `passes through the symlink ${prefix}`);
      if (!st.isDirectory()) throw new RefusedPathError(path, `${prefix} is not a directory`);
    }
    return parts;
  };
  return {
    root,
    check(path) {
      checkAncestors(path);
      return real(root + path);
    },
    makeParents(path, metaOf) {
      const parts = checkAncestors(path);
      let prefix = '';
      for (const part of parts.slice(0, -1)) {
        prefix += `/${part}`;
        const at = real(root + prefix);
        const st = lstatOrUndefined(at);
        if (st?.isDirectory()) continue;
        if (st) throw new RefusedPathError(path, `${prefix} is not a directory`);
        const meta = metaOf(prefix);
        fs.mkdirSync(at, { mode: meta.mode });
        if (meta.uid !== undefined && meta.gid !== undefined) fs.lchownSync(at, meta.uid, meta.gid);
        fs.chmodSync(at, meta.mode);
      }
    },
  };
}
