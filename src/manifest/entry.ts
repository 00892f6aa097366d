/**
 * The manifest model. Paths, link targets and every other text that comes from the file
 * system are *byte strings*: JavaScript strings holding one byte per char (latin1), so that
 * non-UTF-8 names survive untouched, `<` compares them bytewise as bart's C-locale sort does,
 * and `Buffer.from(s, 'latin1')` gives the bytes back.
 */

/** bart's type letters (spec/bart.md §2.2); `O` is a door, `-` anything else. */
export type EntryType = 'F' | 'D' | 'L' | 'P' | 'S' | 'B' | 'C' | 'O' | '-';

export const ENTRY_TYPES: readonly EntryType[] = ['F', 'D', 'L', 'P', 'S', 'B', 'C', 'O', '-'];

export interface ManifestEntry {
  /** Unescaped path as bart prints it (root-relative with a leading `/`), a byte string. */
  readonly name: string;
  readonly type: EntryType;
  /** Full values as the file system reports them; the text format wraps them to int32. */
  readonly size: number;
  readonly mode: number;
  /** ACL text, `-` when none. */
  readonly acl: string;
  /** Seconds since the epoch (st_mtime). */
  readonly mtime: number;
  readonly uid: number;
  readonly gid: number;
  /** F: lowercase hex digest, or `-` when not hashed or unreadable. */
  readonly contents?: string;
  /** L: the link target (byte string), or undefined when readlink failed (printed `-`). */
  readonly dest?: string;
  /** B/C: st_rdev. */
  readonly devnode?: number;
}

/** File-type bits of st_mode (same values on illumos and Linux, plus the illumos door). */
export const S_IFMT = 0o170000;
const TYPE_BY_IFMT: ReadonlyMap<number, EntryType> = new Map([
  [0o100000, 'F'],
  [0o040000, 'D'],
  [0o120000, 'L'],
  [0o010000, 'P'],
  [0o140000, 'S'],
  [0o060000, 'B'],
  [0o020000, 'C'],
  [0o150000, 'O'],
]);

export function typeOfMode(mode: number): EntryType {
  return TYPE_BY_IFMT.get(mode & S_IFMT) ?? '-';
}

/** `(int)x` of C: the low 32 bits as a signed integer (spec/bart.md §2.3). */
export function int32(x: number): number {
  if (Number.isSafeInteger(x)) {
    // ToInt32 is exact for safe integers.
    return x | 0;
  }
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(x))));
}

/** `%x` of `(int)x`: lowercase hex of the low 32 bits, two's complement for negatives. */
export function hex32(x: number): string {
  return (int32(x) >>> 0).toString(16);
}
