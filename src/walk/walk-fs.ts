/**
 * The narrow file-system interface the walker uses (fdir's FSLike habit): synchronous calls
 * only, because in worker threads readdirSync/lstatSync beat every asynchronous variant here
 * (measured: fs.promises was 3x slower). Paths and names are byte strings (latin1).
 * Tests pass memfs; production passes nodeWalkFs.
 */
import * as nodeFs from 'node:fs';
import { fsTypeOfDev } from './mounts.js';

/** The lstat fields the walker reads (node:fs Stats and memfs Stats have them). */
export interface WalkStat {
  mode: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  uid: number;
  gid: number;
  rdev: number;
  dev: number;
  ino: number;
}

export interface WalkFs {
  /** Entry names of a directory (without . and ..), as byte strings. */
  readdir(path: string): string[];
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
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
export function fsPath(path: string): string | Buffer {
  return ASCII.test(path) ? path : Buffer.from(path, 'latin1');
}

const OPEN_FLAGS = nodeFs.constants.O_RDONLY | nodeFs.constants.O_NOFOLLOW | nodeFs.constants.O_NONBLOCK;

/** The subset of node:fs (and memfs) that the walker needs. */
export type FsModule = Pick<
  typeof nodeFs,
  'readdirSync' | 'lstatSync' | 'readlinkSync' | 'openSync' | 'readSync' | 'closeSync'
>;

/** A WalkFs over node:fs or memfs; `fsType` defaults to /proc/self/mountinfo. */
export function walkFsOf(fs: FsModule, fsType: WalkFs['fsType'] = fsTypeOfDev): WalkFs {
  return {
    readdir: (path) => fs.readdirSync(fsPath(path), { encoding: 'latin1' }) as unknown as string[],
    lstat: (path) => {
      // Perf: the Stats object itself, no copy (GC was the largest cost on /usr).
      return fs.lstatSync(fsPath(path), { throwIfNoEntry: false });
    },
    readlink: (path) => fs.readlinkSync(fsPath(path), { encoding: 'latin1' }) as unknown as string,
    // lstat said regular file: if it was replaced since, never follow a symlink or block on
    // a FIFO.
    open: (path) => fs.openSync(fsPath(path), OPEN_FLAGS),
    read: (fd, buffer, length) => fs.readSync(fd, buffer, 0, length, null),
    close: (fd) => fs.closeSync(fd),
    fsType,
  };
}

export const nodeWalkFs: WalkFs = walkFsOf(nodeFs);

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
};

/** perror()-style text for an fs error: `Permission denied`. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return STRERROR[code] ?? (code || String(err));
}
