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

export type EntryKind = 'dir' | 'symlink' | 'file' | 'other';

const kindOfStats = (st: fs.Stats): EntryKind => (st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other');

function validate(path: string): string[] {
  const parts = path.split('/').slice(1);
  if (!path.startsWith('/') || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new RefusedPathError(path, 'not a clean path inside the target');
  }
  return parts;
}

/** Refuses `path` when an existing ancestor is a symlink or no directory; `kindAt` says what is where. */
function checkAncestors(path: string, kindAt: (path: string) => EntryKind | undefined): string[] {
  const parts = validate(path);
  let prefix = '';
  for (const part of parts.slice(0, -1)) {
    prefix += `/${part}`;
    const kind = kindAt(prefix);
    if (!kind) break; // missing: created later by makeParents, which checks again
    if (kind === 'symlink') throw new RefusedPathError(path, `passes through the symlink ${prefix}`);
    if (kind !== 'dir') throw new RefusedPathError(path, `${prefix} is not a directory`);
  }
  return parts;
}

/** The ancestors of `path` that makeParents creates, refusing one that is there but no directory. */
function missingParents(path: string, kindAt: (path: string) => EntryKind | undefined): string[] {
  const parts = checkAncestors(path, kindAt);
  const missing: string[] = [];
  let prefix = '';
  for (const part of parts.slice(0, -1)) {
    prefix += `/${part}`;
    const kind = missing.length > 0 ? undefined : kindAt(prefix);
    if (kind === 'dir') continue;
    if (kind) throw new RefusedPathError(path, `${prefix} is not a directory`);
    missing.push(prefix);
  }
  return missing;
}

export function safeTarget(root: string): SafeTarget {
  const kindAt = (path: string) => {
    const st = lstatOrUndefined(real(root + path));
    return st && kindOfStats(st);
  };
  return {
    root,
    check(path) {
      checkAncestors(path, kindAt);
      return real(root + path);
    },
    makeParents(path, metaOf) {
      for (const dir of missingParents(path, kindAt)) {
        const at = real(root + dir);
        const meta = metaOf(dir);
        fs.mkdirSync(at, { mode: meta.mode });
        if (meta.uid !== undefined && meta.gid !== undefined) fs.lchownSync(at, meta.uid, meta.gid);
        fs.chmodSync(at, meta.mode);
      }
    },
  };
}

/**
 * The target as a dry run sees it: the real one, plus in memory the changes the plan would have
 * made so far, so each op meets the target the real run would meet (spec "Safety": the dry run
 * reports what the real run does). Only kinds are kept, and for files how to read their text.
 */
export interface TargetView {
  /** Refuses `path` as SafeTarget.check would at this point of the run. */
  check(path: string): void;
  /** Records the ancestors makeParents would create. */
  makeParents(path: string): void;
  kind(path: string): EntryKind | undefined;
  isEmptyDirectory(path: string): boolean;
  /** Records what the run leaves at `path` (undefined: nothing). */
  set(path: string, kind: EntryKind | undefined, text?: () => string): void;
  /** A regular file's text, undefined when missing; refused when something else is there. */
  readFile(path: string): string | undefined;
}

export function targetView(root: string): TargetView {
  const changed = new Map<string, { kind: EntryKind; text?: () => string } | undefined>();
  /** Perf: children of changed directories, so emptiness is not a scan of every change. */
  const changedChildren = new Map<string, Set<string>>();
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
  /** Whether `path` or an ancestor was changed: then only changes are there, nothing on disk. */
  const replaced = (path: string) => {
    for (let at = path; at !== ''; at = parentOf(at)) if (changed.has(at)) return true;
    return false;
  };
  const kind = (path: string): EntryKind | undefined => {
    if (changed.has(path)) return changed.get(path)?.kind;
    if (replaced(path)) return undefined;
    const st = lstatOrUndefined(real(root + path));
    return st && kindOfStats(st);
  };
  const set = (path: string, entryKind: EntryKind | undefined, text?: () => string) => {
    changed.set(path, entryKind && { kind: entryKind, text });
    const siblings = changedChildren.get(parentOf(path)) ?? new Set();
    changedChildren.set(parentOf(path), siblings.add(path));
  };
  return {
    check: (path) => void checkAncestors(path, kind),
    makeParents: (path) => {
      for (const dir of missingParents(path, kind)) set(dir, 'dir');
    },
    kind,
    isEmptyDirectory: (path) => {
      const onDisk = replaced(path) ? [] : (fs.readdirSync(real(root + path), { encoding: 'latin1' }) as unknown as string[]).map((name) => `${path}/${name}`);
      return ![...onDisk, ...(changedChildren.get(path) ?? [])].some((child) => kind(child) !== undefined);
    },
    set,
    readFile: (path) => {
      checkAncestors(path, kind);
      const found = kind(path);
      if (found && found !== 'file') throw new RefusedPathError(path, 'not a regular file');
      if (!found) return undefined;
      const entry = changed.get(path);
      return entry ? entry.text?.() ?? '' : fs.readFileSync(real(root + path), 'latin1');
    },
  };
}
