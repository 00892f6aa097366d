/**
 * One job of a walk of two trees at once, for `preupd diff`: a directory's sort keys on both
 * trees, merged, walked in lockstep (the same order and donations as job-walk.ts). A pair of
 * entries whose manifest lines would be identical is told from its lstat results (and, for
 * files whose contents count, by comparing bytes) and prints nothing; every other entry
 * prints its line as `manifest create` would, tagged with its side. On trees that differ in
 * 0.5 % of their entries, ~99 % of the work of formatting, sending and joining lines is
 * never done.
 *
 * Keys are job-walk's keys with a last char saying which trees have them: '1' control, '2'
 * test, '3' both. A key is never a prefix of another, so the char does not change the order.
 *
 * The first alike entry after one that printed prints its two (identical) lines all the
 * same, as do a donated job's first and the first after a donated job's output (either may
 * follow an entry that printed): compare must not see a tree run out where its whole
 * manifest does not (see tee-pairs.ts). An identical pair more never changes its output.
 */
import { Buffer } from 'node:buffer';
import { typeOfMode } from '../manifest/entry.js';
import { escapeName, unescapeName } from '../manifest/format.js';
import { excludeFname } from '../manifest/rules.js';
import type { PairContext } from './context.js';
import { aclFlavor, cannotList, displayName, noteChecksumRule, type WalkContext } from './describe-entry.js';
import { NAME_CAP } from '../diff/fields.js';
import { CHUNK_SIZE } from './hasher.js';
import {
  crossesMount,
  dirFrame,
  enterSubdir,
  entryLine,
  keyRange,
  LineBuffer,
  listKeys,
  lstat,
  walkStack,
  type DirFrame,
  type JobOutput,
  type KeyRange,
  type KeyWalk,
  type LineSink,
} from './job-walk.js';
import type { WalkStat } from './walk-fs.js';

/** A directory of one tree in a pair job. */
export interface PairDir {
  dir: string;
  dev: number;
}

export interface PairJob {
  id: number;
  /** The directory on each tree (control, test); undefined where it is not walked. */
  sides: [PairDir | undefined, PairDir | undefined];
  /** Sorted, side-marked keys to do; undefined: all of both directories (the first job). */
  keys?: string[];
  /** The roots' own lines (undefined where not printed); they go where the key ' ' sorts. */
  rootLines?: [string | undefined, string | undefined];
  /** The roots' lines sort among their entries (the walked root prints as `/`). */
  rootLineSorted?: boolean;
  /** Print every line of the keys, alike or not (see OUT_OF_STEP); undefined: look. */
  all?: boolean;
}

/** The first char of every output line: which tree it describes. */
export const PAIR_TAGS = ['c', 't'] as const;

const CONTROL = 1;
const TEST = 2;
const BOTH = CONTROL | TEST;
const BITS = [CONTROL, TEST] as const;
/** The roots' lines: an empty name (it sorts as ' ', like job-walk's root line key). */
const ROOT_KEY = ' 3';

type Sides<T> = [T, T];

interface PairFrame extends KeyRange {
  sides: Sides<DirFrame | undefined>;
  rootLines?: Sides<string | undefined>;
  all: boolean;
}

/**
 * Names bart compare's merge does not see as the manifest sorts them: raw bytes below ' '
 * (bart escapes only tab and newline of them) sort before their prefix's own line ("a\x01 F"
 * < "a F") but after it by name, \v \f \r even end the name for compare; and names of 1023
 * bytes or more are cut there. The merge falls out of step and reports lines that are equal,
 * so a directory with such a name prints every line below it, on both trees, as create would
 * print them: compare sees what it sees in whole manifests, and past it, it is in step again.
 */
// eslint-disable-next-line no-control-regex
const OUT_OF_STEP = /[\x00-\x1f]/;
const needsAll = (namePrefix: string, keys: readonly string[]) =>
  keys.some((key) => OUT_OF_STEP.test(key) || namePrefix.length + key.length - 2 >= NAME_CAP);

/** The sorted union of two sorted key lists, each key marked with the trees that have it. */
export function mergeKeys(control: readonly string[] = [], test: readonly string[] = []): string[] {
  const merged: string[] = [];
  let i = 0;
  let j = 0;
  while (i < control.length || j < test.length) {
    const c = control[i];
    const t = test[j];
    if (t === undefined || (c !== undefined && c < t)) {
      merged.push(c + '1');
      i++;
    } else if (c === undefined || t < c) {
      merged.push(t + '2');
      j++;
    } else {
      merged.push(c + '3');
      i++;
      j++;
    }
  }
  return merged;
}

export function runPairJob(pc: PairContext, job: PairJob, out: JobOutput<PairJob>): void {
  const lines = new LineBuffer(out);
  const tagged: Sides<LineSink> = [new TaggedLines(PAIR_TAGS[0], lines), new TaggedLines(PAIR_TAGS[1], lines)];
  const sides = [...job.sides] as Sides<PairDir | undefined>;
  let keys = job.keys;
  let rootLines = job.rootLines;
  if (!keys) {
    const listed = sides.map((side, s) => side && listKeys(pc.sides[s]!, side.dir));
    for (let s = 0; s < 2; s++) {
      if (sides[s] && !listed[s]) {
        out.message(cannotList(sides[s]!.dir));
        sides[s] = undefined;
      }
    }
    if (!sides[0] && !sides[1]) return;
    // An unlisted root prints no line (as in job-walk.ts).
    rootLines &&= rootLines.map((line, s) => (sides[s] ? line : undefined)) as Sides<string | undefined>;
    keys = mergeKeys(listed[0], listed[1]);
    if (rootLines && job.rootLineSorted) keys = [...keys, ROOT_KEY].sort();
    else if (rootLines) writeRootLines(rootLines, tagged);
  }
  const known = sides[0] ? 0 : 1;
  const printed = escapeName(displayName(pc.sides[known].relocRoot, sides[known]!.dir));
  const namePrefix = printed.endsWith('/') ? printed : printed + '/';
  const frames = sides.map((side) => side && dirFrame(side.dir, namePrefix, side.dev)) as Sides<DirFrame | undefined>;
  const root = pairFrame(frames, rootLines, job.all ?? needsAll(namePrefix, keys), keys);
  // A donated job cannot know whether the entry before its keys printed: it takes it did.
  walkStack<PairFrame, PairJob>([root], new PairKeyWalk(pc, tagged, out, job.id !== 0), lines, out);
}

/** One tree's lines of a pair job, tagged with its side (a class: see PairKeyWalk). */
class TaggedLines implements LineSink {
  constructor(
    private readonly tag: string,
    private readonly lines: LineBuffer,
  ) {}

  line(line: string): void {
    this.lines.line(this.tag + line);
  }
}

// Perf: one class and one frame shape for every job, so that a thread's optimized walking
// code fits all its jobs (closures made per job deoptimized it at each new job).
class PairKeyWalk implements KeyWalk<PairFrame, PairJob> {
  constructor(
    private readonly pc: PairContext,
    private readonly tagged: Sides<LineSink>,
    private readonly out: JobOutput<PairJob>,
    /** The next alike entry prints its lines (see the module comment). */
    private differed: boolean,
  ) {}

  step(top: PairFrame, key: string): PairFrame | undefined {
    const mask = key.charCodeAt(key.length - 1) - 48;
    const esc = key.slice(0, -2);
    if (esc === '') writeRootLines(top.rootLines!, this.tagged, top.all);
    else if (key[key.length - 2] === ' ') this.differed = entryPair(this.pc, top, esc, mask, this.tagged, this.out, this.differed);
    else return subtreePair(this.pc, top, esc, mask, this.out);
    return undefined;
  }

  jobFor(f: PairFrame, id: number, keys: string[]): PairJob {
    return { id, sides: f.sides.map((d) => d && { dir: d.dir, dev: d.dev }) as PairJob['sides'], keys, rootLines: f.rootLines, all: f.all };
  }

  isSubtree(key: string): boolean {
    return key[key.length - 2] === '/';
  }

  afterHole(): void {
    this.differed = true;
  }
}

function pairFrame(sides: Sides<DirFrame | undefined>, rootLines: Sides<string | undefined> | undefined, all: boolean, keys: string[]): PairFrame {
  return { sides, rootLines, all, ...keyRange(keys) };
}

function writeRootLines([c, t]: Sides<string | undefined>, tagged: Sides<LineSink>, all = false): void {
  if (!all && c !== undefined && c === t) return;
  if (c !== undefined) tagged[0].line(c);
  if (t !== undefined) tagged[1].line(t);
}

function subtreePair(pc: PairContext, top: PairFrame, esc: string, mask: number, out: JobOutput<PairJob>): PairFrame | undefined {
  const subs = BITS.map((bit, s) => (mask & bit ? enterSubdir(pc.sides[s]!, top.sides[s]!, esc, out) : undefined));
  if (!subs[0] && !subs[1]) return undefined;
  const keys = mergeKeys(subs[0]?.keys, subs[1]?.keys);
  const namePrefix = (subs[0] ?? subs[1])!.frame.namePrefix;
  return pairFrame([subs[0]?.frame, subs[1]?.frame], undefined, top.all || needsAll(namePrefix, keys), keys);
}

/**
 * An entry's lines: none when both trees have it alike (unless it follows one that printed:
 * `differed`), else each tree's own. Contents are hashed where a report may show them: a
 * file on one tree only is reported as added or deleted (contents `-`), and two files the
 * mode takes as equal stay `-` on both; where every line is printed (OUT_OF_STEP), compare
 * may pair any two, so all are hashed. Returns whether the trees' lines differ.
 */
function entryPair(pc: PairContext, top: PairFrame, esc: string, mask: number, tagged: Sides<LineSink>, out: JobOutput<PairJob>, differed: boolean): boolean {
  if (mask !== BOTH) {
    const s = mask === CONTROL ? 0 : 1;
    const path = top.sides[s]!.prefix + unescapeName(esc);
    entryLine(pc.sides[s], top.sides[s]!, esc, tagged[s], out, { path, st: lstat(pc.sides[s], path), hash: top.all });
    return true;
  }
  const name = unescapeName(esc);
  const frames = top.sides as Sides<DirFrame>;
  const paths: Sides<string> = [frames[0].prefix + name, frames[1].prefix + name];
  const c = lstat(pc.sides[0], paths[0]);
  const t = lstat(pc.sides[1], paths[1]);
  const same = !top.all && c !== undefined && t !== undefined && alike(pc, frames, esc, paths, c, t);
  if (same && !differed) return false;
  const hash = top.all || !(c && t && isFile(c) && isFile(t) && c.size === t.size && trustedEqual(pc, c, t));
  entryLine(pc.sides[0], frames[0], esc, tagged[0], out, { path: paths[0], st: c, hash: hash && !same });
  entryLine(pc.sides[1], frames[1], esc, tagged[1], out, { path: paths[1], st: t, hash: hash && !same });
  return !same;
}

const isFile = (st: WalkStat) => (st.mode & 0o170000) === 0o100000;

/**
 * Whether both trees' lines for this entry would be identical (and its messages none). A
 * directory that is alike is noted for its '/' key, as entryLine notes it.
 */
function alike(pc: PairContext, frames: Sides<DirFrame>, esc: string, paths: Sides<string>, c: WalkStat, t: WalkStat): boolean {
  if (c.mode !== t.mode || c.uid !== t.uid || c.gid !== t.gid || c.size !== t.size) return false;
  if (c.mtimeSec !== t.mtimeSec) return false;
  const [cc, tc] = pc.sides;
  const type = typeOfMode(c.mode);
  if (excludeFname(paths[0], type, cc.rule) !== 'none' || excludeFname(paths[1], type, tc.rule) !== 'none') return false;
  if (aclFlavor(cc, c, paths[0]) !== aclFlavor(tc, t, paths[1])) return false;
  if (type === 'D') return alikeDirs(pc, frames, esc, paths, [c, t]);
  if (type === 'L') return sameTarget(pc.sides, paths);
  // Keeps bart's global hashing flag as each tree's own walk would leave it.
  const hashed = noteChecksumRule(cc, paths[0], type, cc.rule);
  if (noteChecksumRule(tc, paths[1], type, tc.rule) !== hashed) return false;
  if (type === 'B' || type === 'C') return c.rdev === t.rdev;
  return type !== 'F' || !hashed || sameContents(pc, paths, c, t);
}

function alikeDirs(pc: PairContext, frames: Sides<DirFrame>, esc: string, paths: Sides<string>, sts: Sides<WalkStat>): boolean {
  const keys = [listKeys(pc.sides[0], paths[0]), listKeys(pc.sides[1], paths[1])];
  // An unreadable directory prints no line: entryLine tells the trees apart.
  if (!keys[0] || !keys[1]) return false;
  for (const s of [0, 1] as const) {
    const entered = !crossesMount(pc.sides[s], frames[s], paths[s], sts[s]);
    frames[s].subdirs.set(esc, entered ? { keys: keys[s], dev: sts[s].dev } : null);
  }
  return true;
}

function sameTarget(ctxs: Sides<WalkContext>, paths: Sides<string>): boolean {
  try {
    return ctxs[0].fs.readlink(paths[0]) === ctxs[1].fs.readlink(paths[1]);
  } catch {
    return false;
  }
}

/**
 * Two files of equal size: `quick` trusts equal mtimes (rsync's test); the same file on one
 * lineage is equal without reading; otherwise the bytes are compared (a hash of each would
 * read the same bytes and could only be less sure).
 */
function sameContents(pc: PairContext, paths: Sides<string>, c: WalkStat, t: WalkStat): boolean {
  return trustedEqual(pc, c, t) || (pc.mode !== 'quick' && sameBytes(pc, paths, c.size));
}

/** Whether two files of equal size are equal without reading them, by the mode's test. */
function trustedEqual(pc: PairContext, c: WalkStat, t: WalkStat): boolean {
  if (pc.mode === 'quick') return c.mtimeMs === t.mtimeMs;
  return pc.mode === 'default' && pc.sameLineage && c.ino === t.ino && c.ctimeMs === t.ctimeMs && c.mtimeMs === t.mtimeMs;
}

/** Whether both files read the same; false when either cannot be read (entryLine says why). */
function sameBytes(pc: PairContext, paths: Sides<string>, size: number): boolean {
  const [cfs, tfs] = [pc.sides[0].fs, pc.sides[1].fs];
  const [cbuf, tbuf] = pc.buffers;
  let cfd: number;
  let tfd: number;
  try {
    cfd = cfs.open(paths[0]);
  } catch {
    return false;
  }
  try {
    tfd = tfs.open(paths[1]);
  } catch {
    cfs.close(cfd);
    return false;
  }
  try {
    for (let read = 0; ; ) {
      const n = cfs.read(cfd, cbuf, CHUNK_SIZE);
      if (tfs.read(tfd, tbuf, CHUNK_SIZE) !== n || Buffer.compare(cbuf.subarray(0, n), tbuf.subarray(0, n)) !== 0) return false;
      read += n;
      // A short read past the lstat size is the end, as the hasher reads (FileHasher).
      if (n === 0 || (n < CHUNK_SIZE && read >= size)) return true;
    }
  } catch {
    return false;
  } finally {
    cfs.close(cfd);
    tfs.close(tfd);
  }
}
