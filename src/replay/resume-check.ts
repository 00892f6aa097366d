/**
 * What a resumed apply may write (spec/reintegration.md "Safety": nothing the admin wrote is
 * lost). A plan is made from update, and the target starts as a copy of it: boot-finish's
 * update is a snapshot of the live root taken when the pass began, and kept for a resume. A
 * resume can come much later (the first-boot service waits in maintenance until `svcadm
 * clear`), and meanwhile the admin may edit, in the target, a path a unit not yet run would
 * write; replaying the plan there would overwrite the edit and save it nowhere. So a resumed
 * run first compares each path a unit writes with update's entry, and leaves one that differs
 * as it is, refused and reported. Not checked:
 * - a fresh run: its plan was just made from these trees;
 * - a unit begun before (the one in flight when the earlier run died): what differs from
 *   update there may be our own half-done writes, so it is redone, but without the paths its
 *   `begin` journaled as left;
 * - a path an earlier unit of the plan writes: it holds the plan's version by then, not update's.
 * Parents an op creates are not checked either: makeParents only makes missing directories.
 */
import * as fs from 'node:fs';
import type { Unit } from './apply-plan.js';
import type { Journal, Refusal } from './journal.js';
import type { Op } from './plan-types.js';
import { lstatOrUndefined, real, RefusedPathError, type SafeTarget } from './safe-target.js';

export const CHANGED_SINCE_BEGIN = 'changed in the target since this pass began; left as it is';

/** A unit's ops to carry out now, and the paths left as they are (to journal with its `begin`). */
export interface UnitWork {
  readonly ops: readonly Op[];
  readonly left: readonly Refusal[];
}

/** The work of each unit not done yet, for a run that found `journal` (see above). */
export function unitWork(units: readonly Unit[], journal: Pick<Journal, 'resumed' | 'begun'>, target: SafeTarget, update: string): (i: number) => UnitWork {
  if (!journal.resumed) return (i) => ({ ops: units[i]!.ops, left: [] });
  const firstWriter = new Map<string, number>();
  units.forEach((unit, i) => unit.ops.forEach((op) => {
    if (!firstWriter.has(op.path)) firstWriter.set(op.path, i);
  }));
  return (i) => {
    const ops = units[i]!.ops;
    const begun = journal.begun.get(i);
    const left = begun ?? [...new Set(ops.map((op) => op.path))]
      .filter((path) => firstWriter.get(path) === i && !sameAsUpdate(path, target, update))
      .map((path) => ({ path, why: CHANGED_SINCE_BEGIN }));
    const leftPaths = new Set(left.map((r) => r.path));
    return { ops: ops.filter((op) => !leftPaths.has(op.path)), left };
  };
}

function sameAsUpdate(path: string, target: SafeTarget, update: string): boolean {
  let at: string | Buffer;
  try {
    at = target.check(path);
  } catch (err) {
    if (err instanceof RefusedPathError) return true; // the op refuses it itself, saying why
    throw err;
  }
  return sameEntry(at, real(update + path));
}

/**
 * Both absent, or the same type, mode, owner and content (bytes, symlink target, device
 * number). Neither mtime nor ACL is compared, nor a directory's children.
 */
export function sameEntry(x: string | Buffer, y: string | Buffer): boolean {
  const [a, b] = [lstatOrUndefined(x), lstatOrUndefined(y)];
  if (!a || !b) return a === b;
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false;
  if (a.isSymbolicLink()) return fs.readlinkSync(x, { encoding: 'buffer' }).equals(fs.readlinkSync(y, { encoding: 'buffer' }));
  if (a.isBlockDevice() || a.isCharacterDevice()) return a.rdev === b.rdev;
  return !a.isFile() || (a.size === b.size && sameBytes(x, y));
}

const CHUNK = 1 << 20;

function sameBytes(x: string | Buffer, y: string | Buffer): boolean {
  const fds: number[] = [];
  try {
    for (const at of [x, y]) fds.push(fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW));
    const [bx, by] = [Buffer.alloc(CHUNK), Buffer.alloc(CHUNK)];
    for (;;) {
      const n = readFull(fds[0]!, bx);
      if (readFull(fds[1]!, by) !== n || !bx.subarray(0, n).equals(by.subarray(0, n))) return false;
      if (n < CHUNK) return true;
    }
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

/** Reads until `buf` is full or the file ends: the bytes read. */
function readFull(fd: number, buf: Buffer): number {
  let n = 0;
  for (let got = -1; n < buf.length && got !== 0; n += got) got = fs.readSync(fd, buf, n, buf.length - n, null);
  return n;
}
