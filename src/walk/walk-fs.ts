/**
 * The narrow file-system interface the walker uses (fdir's FSLike habit): synchronous calls
 * only, because in worker threads readdirSync/lstatSync beat every asynchronous variant here
 * (measured: fs.promises was 3x slower). Paths and names are byte strings (latin1).
 * Tests pass memfs; production passes nodeWalkFs.
 */
import * as nodeFs from 'node:fs';
import { isAscii, relativeToBase } from './base-directory.js';
import { fsTypeOfDev } from './mounts.js';

/** The lstat fields the walker reads. */
export interface WalkStat {
  mode: number;
  size: number;
  /**
   * st_mtime, the whole seconds bart prints. Not floor(mtimeMs / 1000): within ~120 ns of the
   * next second, mtimeMs (sec * 1e3 + nsec / 1e6, a double) rounds up to it.
   */
  mtimeSec: number;
  /** Times as node:fs gives them in ms: for telling two files apart, not for printing. */
  mtimeMs: number;
  ctimeMs: number;
  uid: number;
  gid: number;
  rdev: number;
  dev: number;
  ino: number;
}

/** A file by identity (st_dev, st_ino), whatever its names. */
export interface FileId {
  dev: number;
  ino: number;
}

/** A directory entry: its name (a byte string) and readdir's d_type answer. */
export interface DirEntry {
  name: string;
  isDirectory(): boolean;
}

export interface WalkFs {
  /** Entries of a directory (without . and ..). */
  readdir(path: string): DirEntry[];
  /** lstat; undefined when the entry does not exist (vanished during the walk). */
  lstat(path: string): WalkStat | undefined;
  readlink(path: string): string;
  open(path: string): number;
  read(fd: number, buffer: Uint8Array, length: number): number;
  close(fd: number): void;
  /** File-system type name of the file system `dev` belongs to (`zfs`, `ext4`, `tmpfs`...). */
  fsType(dev: number, path: string): string;
}

/** Node takes string paths as UTF-8: byte strings with high bytes must go as Buffers. */
export function fsPath(path: string): string | Buffer {
  return isAscii(path) ? path : Buffer.from(path, 'latin1');
}

const OPEN_FLAGS = nodeFs.constants.O_RDONLY | nodeFs.constants.O_NOFOLLOW | nodeFs.constants.O_NONBLOCK;

/** The subset of node:fs (and memfs) that the walker needs. */
export type FsModule = Pick<
  typeof nodeFs,
  'readdirSync' | 'lstatSync' | 'readlinkSync' | 'openSync' | 'readSync' | 'closeSync'
>;

/** A WalkFs over node:fs or memfs; `fsType` defaults to /proc/self/mountinfo. */
export function walkFsOf(fs: FsModule, fsType: WalkFs['fsType'] = fsTypeOfDev, arg: (path: string) => string | Buffer = fsPath): WalkFs {
  return {
    // Node lstats entries whose d_type is DT_UNKNOWN itself (getDirents).
    readdir: (path) => fs.readdirSync(arg(path), { encoding: 'latin1', withFileTypes: true }) as unknown as DirEntry[],
    // Walking threads use bindingLstat; this serves the rest (root lines, in-thread walks).
    lstat: (path) => {
      const st = fs.lstatSync(arg(path), { bigint: true, throwIfNoEntry: false });
      return st && walkStatOf(st);
    },
    readlink: (path) => fs.readlinkSync(arg(path), { encoding: 'latin1' }) as unknown as string,
    // lstat said regular file: if it was replaced since, never follow a symlink or block on
    // a FIFO.
    open: (path) => fs.openSync(arg(path), OPEN_FLAGS),
    read: (fd, buffer, length) => fs.readSync(fd, buffer, 0, length, null),
    close: (fd) => fs.closeSync(fd),
    fsType,
  };
}

export const nodeWalkFs: WalkFs = walkFsOf(nodeFs);

const NS_PER_SEC = 1_000_000_000n;

/** [seconds, nanoseconds] of a time in ns, as a timespec holds it (nanoseconds never negative). */
function timespecOf(ns: bigint): [number, number] {
  let sec = ns / NS_PER_SEC;
  if (ns % NS_PER_SEC < 0n) sec -= 1n;
  return [Number(sec), Number(ns - sec * NS_PER_SEC)];
}

/** A time in ms as node:fs computes it from a timespec (bindingLstat does the same). */
const msOf = (sec: number, nsec: number) => sec * 1e3 + nsec / 1e6;

function walkStatOf(st: nodeFs.BigIntStats): WalkStat {
  const [mtimeSec, mtimeNsec] = timespecOf(st.mtimeNs);
  const [ctimeSec, ctimeNsec] = timespecOf(st.ctimeNs);
  return {
    dev: Number(st.dev), mode: Number(st.mode), uid: Number(st.uid), gid: Number(st.gid), rdev: Number(st.rdev),
    ino: Number(st.ino), size: Number(st.size), mtimeSec, mtimeMs: msOf(mtimeSec, mtimeNsec), ctimeMs: msOf(ctimeSec, ctimeNsec),
  };
}

type StatBinding = (path: string | Buffer, bigint: false, req: undefined, throwIfNoEntry: false) => Float64Array | undefined;

/**
 * Perf, for walking threads: lstat without a Stats object. lstatSync builds one with four
 * Dates per call (~900 bytes, most of what a walk allocated); Node's own binding fills one
 * shared Float64Array (fields in the order Stats takes them). Measured on the 230k-entry
 * bench tree: -8 % wall time. Used only when it answers for '/' exactly as lstatSync does,
 * and not under --pending-deprecation (process.binding would print a warning); the result
 * is one object, overwritten by the next call.
 */
function bindingLstat(arg: (path: string) => string | Buffer): WalkFs['lstat'] | undefined {
  if (/--pending-deprecation/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) return undefined;
  let lstat: StatBinding;
  try {
    lstat = (process as unknown as { binding(name: string): { lstat: StatBinding } }).binding('fs').lstat;
    const probe = lstat('/', false, undefined, false);
    const ref = nodeFs.lstatSync('/');
    const same = probe instanceof Float64Array && probe.length >= 16 &&
      probe[0] === ref.dev && probe[1] === ref.mode && probe[3] === ref.uid && probe[4] === ref.gid &&
      probe[7] === ref.ino && probe[8] === ref.size && msOf(probe[12]!, probe[13]!) === ref.mtimeMs;
    if (!same) return undefined;
  } catch {
    return undefined;
  }
  const st: WalkStat = { dev: 0, mode: 0, uid: 0, gid: 0, rdev: 0, ino: 0, size: 0, mtimeSec: 0, mtimeMs: 0, ctimeMs: 0 };
  return (path) => {
    const f = lstat(arg(path), false, undefined, false);
    if (f === undefined) return undefined;
    st.dev = f[0]!;
    st.mode = f[1]!;
    st.uid = f[3]!;
    st.gid = f[4]!;
    st.rdev = f[5]!;
    st.ino = f[7]!;
    st.size = f[8]!;
    st.mtimeSec = f[12]!;
    st.mtimeMs = msOf(f[12]!, f[13]!);
    st.ctimeMs = msOf(f[14]!, f[15]!);
    return st;
  };
}

/** nodeWalkFs for walking threads (see bindingLstat and base-directory.ts). */
export function threadWalkFs(): WalkFs {
  const threadPath = (path: string) => fsPath(relativeToBase(path));
  const fs = walkFsOf(nodeFs, fsTypeOfDev, threadPath);
  return { ...fs, lstat: bindingLstat(threadPath) ?? fs.lstat };
}

// strerror() texts for the errors a walk meets (glibc and illumos agree on these).
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Not owner',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Number of symbolic links encountered during path name traversal exceeds MAXSYMLINKS',
  ENAMETOOLONG: 'File name too long',
  EIO: 'I/O error',
  EMFILE: 'Too many open files',
  ENXIO: 'No such device or address',
  EOVERFLOW: 'Value too large for defined data type',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
  EEXIST: 'File exists',
};

/** What perror(path) prints for `err`, newline included; perror("") prints no `: ` prefix. */
export const perror = (path: string, err: unknown): string => (path === '' ? `${strerror(err)}\n` : `${path}: ${strerror(err)}\n`);

/** perror()-style text for an fs error: `Permission denied`. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return STRERROR[code] ?? (code || String(err));
}
