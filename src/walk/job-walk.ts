/**
 * One walking job: the manifest lines of directory `dir` for a range of its sort keys,
 * subtrees included, written in output order as the walk goes. Runs in a worker thread (or
 * in-thread in tests). When another thread is idle, a job hands it the later part of its
 * remaining work (a donation) and leaves a hole in its own output where that job's output
 * goes (walker.ts puts the pieces together).
 *
 * Order (spec/bart.md §2.5): bart sorts whole lines bytewise. Within a directory an entry's
 * line starts with `escaped-name + ' '` and every line below a directory with
 * `escaped-name + '/'`; names hold no raw space or '/', so sorting those keys and expanding
 * each '/' key in place yields the sorted manifest. Keys come from readdir's entry types,
 * before any lstat, which is what lets a directory's work be split by key ranges.
 */
import { escapeName, unescapeName } from '../manifest/format.js';
import { excludeFname } from '../manifest/rules.js';
import { cannotList, describeEntry, displayName, unknownEntry, type WalkContext } from './describe-entry.js';
import type { WalkStat } from './walk-fs.js';

export interface WalkJob {
  id: number;
  dir: string;
  /** st_dev of `dir`: a subdirectory on another device may be a mount to stay out of. */
  dev: number;
  /** Sorted keys to do; undefined: all of `dir` (the walk's first job). */
  keys?: string[];
  /** First job: the root's own line, printed once the root could be listed. */
  rootLine?: string;
  /** The root is `/`: its line sorts among its entries ("/\x01x" comes before "/ D"). */
  rootLineSorted?: boolean;
}

export interface JobOutput<J = WalkJob> {
  /** Whole lines, each ending in '\n'. */
  text(lines: string): void;
  /** stderr text in bart's words. */
  message(text: string): void;
  /** The output of job `job` goes here. */
  hole(job: number): void;
  /** Cheap check between entries: is a thread waiting for work? */
  wantsDonation(): boolean;
  /** Takes the request (another job may have served it): the new job's id, or undefined. */
  claimDonation(): number | undefined;
  donate(job: J): void;
}

/** A directory being walked, on one tree. */
export interface DirFrame {
  dir: string;
  prefix: string;
  /** The escaped printed name of `dir` + '/': entries' printed names start with it. */
  namePrefix: string;
  dev: number;
  /** Subdirectories whose line is done: their keys (undefined: unlistable), or null: not entered. */
  subdirs: Map<string, { keys: string[] | undefined; dev: number } | null>;
}

/** The keys of a directory: [next, end) are left; `holes` follow its output. */
export interface KeyRange {
  keys: string[];
  next: number;
  end: number;
  holes: number[];
}

type Frame = DirFrame & KeyRange;

/** Where a walk's lines go (a side of a pair walk tags them). */
export interface LineSink {
  line(line: string): void;
}

// Perf: text goes out in pieces of about this many bytes (one message each).
const PIECE = 64 * 1024;
// A donation is worth a message when it holds a subtree or at least this many entries.
const MIN_DONATED_ENTRIES = 64;

export const isDir = (st: WalkStat) => (st.mode & 0o170000) === 0o040000;

/** The sorted keys of directory `dir`, or undefined when it cannot be listed. */
export function listKeys(ctx: WalkContext, dir: string): string[] | undefined {
  let entries;
  try {
    entries = ctx.fs.readdir(dir);
  } catch {
    return undefined;
  }
  const keys: string[] = [];
  for (const entry of entries) {
    const esc = escapeName(entry.name);
    keys.push(esc + ' ');
    if (entry.isDirectory()) keys.push(esc + '/');
  }
  // Default sort compares UTF-16 units: bytewise for byte strings, as bart's sort.
  return keys.sort();
}

/**
 * Whether directory `path` can be listed, for one that is not walked: nftw opens it all the
 * same. Perf: only rare directories come here; no keys are built or sorted.
 */
export function canList(ctx: WalkContext, path: string): boolean {
  try {
    ctx.fs.readdir(path);
    return true;
  } catch {
    return false;
  }
}

export function dirFrame(dir: string, namePrefix: string, dev: number): DirFrame {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return { dir, prefix, namePrefix, dev, subdirs: new Map() };
}

export const keyRange = (keys: string[]): KeyRange => ({ keys, next: 0, end: keys.length, holes: [] });

export class LineBuffer implements LineSink {
  private lines: string[] = [];
  private size = 0;
  constructor(private readonly out: Pick<JobOutput<unknown>, 'text'>) {}

  line(line: string): void {
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size >= PIECE) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    this.lines.push('');
    this.out.text(this.lines.join('\n'));
    this.lines = [];
    this.size = 0;
  }
}

/** What a kind of walk does with its keys (see walkStack). */
export interface KeyWalk<F extends KeyRange, J> {
  /** Does one key of `top`: writes its lines, returns the frame of a subtree to walk next. */
  step(top: F, key: string): F | undefined;
  /** The job that takes over `keys` of frame `f`. */
  jobFor(f: F, id: number, keys: string[]): J;
  /** Whether a key stands for a subtree (worth donating however few keys go with it). */
  isSubtree(key: string): boolean;
  /** Told when a donated job's output has gone in before what comes next. */
  afterHole?(): void;
}

/** Walks the stack of frames depth first, donating work when a thread is idle. */
export function walkStack<F extends KeyRange, J>(stack: F[], walk: KeyWalk<F, J>, lines: LineBuffer, out: JobOutput<J>): void {
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.end) {
      stack.pop();
      for (const id of top.holes) {
        lines.flush();
        out.hole(id);
        walk.afterHole?.();
      }
      continue;
    }
    if (out.wantsDonation() && donate(stack, walk, out)) continue;
    const sub = walk.step(top, top.keys[top.next++]!);
    if (sub) stack.push(sub);
  }
  lines.flush();
}

export function runJob(ctx: WalkContext, job: WalkJob, out: JobOutput): void {
  const lines = new LineBuffer(out);
  let keys = job.keys;
  if (!keys) {
    keys = listKeys(ctx, job.dir);
    if (!keys) return out.message(cannotList(job.dir));
    // The root line's key is ' ' + line: it sorts as ' ' (no name is empty), and a
    // donated range that holds it needs nothing else.
    if (job.rootLine !== undefined && job.rootLineSorted) keys = [...keys, ' ' + job.rootLine].sort();
    else if (job.rootLine !== undefined) lines.line(job.rootLine);
  }
  const printed = escapeName(displayName(ctx.relocRoot, job.dir));
  const root = frameOf(dirFrame(job.dir, printed.endsWith('/') ? printed : printed + '/', job.dev), keys);
  walkStack<Frame, WalkJob>([root], new TreeKeyWalk(ctx, lines, out), lines, out);
}

const frameOf = (dir: DirFrame, keys: string[]): Frame => ({ ...dir, ...keyRange(keys) });

// Perf: a class rather than closures made per job (see pair-walk.ts's PairKeyWalk).
class TreeKeyWalk implements KeyWalk<Frame, WalkJob> {
  constructor(
    private readonly ctx: WalkContext,
    private readonly lines: LineSink,
    private readonly out: JobOutput,
  ) {}

  step(top: Frame, key: string): Frame | undefined {
    if (key.startsWith(' ')) this.lines.line(key.slice(1));
    else if (key.endsWith(' ')) entryLine(this.ctx, top, key.slice(0, -1), this.lines, this.out);
    else {
      const sub = enterSubdir(this.ctx, top, key.slice(0, -1), this.out);
      if (sub) return frameOf(sub.frame, sub.keys);
    }
    return undefined;
  }

  jobFor(f: Frame, id: number, keys: string[]): WalkJob {
    return { id, dir: f.dir, dev: f.dev, keys };
  }

  isSubtree(key: string): boolean {
    return key.endsWith('/');
  }
}

/** What a pair walk already knows of an entry (pair-walk.ts). */
export interface KnownEntry {
  path: string;
  /** undefined: the entry vanished or cannot be looked at. */
  st: WalkStat | undefined;
  /** false: contents `-` (see describeEntry). */
  hash: boolean;
}

/** An entry's own line; for a directory, also whether and what its '/' key will walk. */
export function entryLine(
  ctx: WalkContext,
  top: DirFrame,
  esc: string,
  lines: LineSink,
  out: Pick<JobOutput<unknown>, 'message'>,
  known?: KnownEntry,
): void {
  const path = known?.path ?? top.prefix + unescapeName(esc);
  const st = known ? known.st : lstat(ctx, path);
  if (!st) return out.message(unknownEntry(path));
  if (ctx.leaveOut.length > 0 && ctx.leaveOut.some((f) => f.ino === st.ino && f.dev === st.dev)) return;
  const messages: string[] = [];
  const { line, exclusion } = describeEntry(ctx, path, st, messages, ctx.rule, top.namePrefix + esc, known?.hash);
  for (const m of messages) out.message(m);
  if (!isDir(st)) {
    if (line !== undefined) lines.line(line);
    return;
  }
  // nftw opens every directory before reporting it: an unreadable one is never printed.
  if (exclusion !== 'prune' && !crossesMount(ctx, top, path, st)) {
    const keys = listKeys(ctx, path);
    if (keys && line !== undefined) lines.line(line);
    top.subdirs.set(esc, { keys, dev: st.dev });
    return;
  }
  // Not entered (its rule prunes it, or another file-system type): still opened first, so an
  // unreadable one warns whether or not it would have been printed (nftw.c walk(): FTW_DNR
  // comes before the callback that prunes). Its '/' key, if done by another job, says nothing.
  top.subdirs.set(esc, null);
  if (!canList(ctx, path)) out.message(cannotList(path));
  else if (line !== undefined) lines.line(line);
}

/** The directory of a '/' key and its keys, or none (not entered, unlistable, no longer a directory). */
export function enterSubdir(
  ctx: WalkContext,
  top: DirFrame,
  esc: string,
  out: Pick<JobOutput<unknown>, 'message'>,
): { frame: DirFrame; keys: string[] } | undefined {
  const path = top.prefix + unescapeName(esc);
  let sub = top.subdirs.get(esc);
  top.subdirs.delete(esc);
  if (sub === undefined) {
    // Its line was done by another job (a donation split them), or it changed type.
    const st = lstat(ctx, path);
    if (!st || !isDir(st) || excludeFname(path, 'D', ctx.rule) === 'prune' || crossesMount(ctx, top, path, st)) return undefined;
    sub = { keys: listKeys(ctx, path), dev: st.dev };
  }
  if (sub === null) return undefined;
  if (!sub.keys) {
    out.message(cannotList(path));
    return undefined;
  }
  return { frame: dirFrame(path, top.namePrefix + esc + '/', sub.dev), keys: sub.keys };
}

/** lstat, or undefined for an entry that vanished or fails (ENAMETOOLONG...): nftw's FTW_NS. */
export function lstat(ctx: WalkContext, path: string): WalkStat | undefined {
  try {
    return ctx.fs.lstat(path);
  } catch {
    return undefined;
  }
}

export function crossesMount(ctx: WalkContext, top: DirFrame, path: string, st: WalkStat): boolean {
  return st.dev !== top.dev && ctx.fs.fsType(st.dev, path) !== ctx.rootFsType;
}

/**
 * Hands out the later half of the shallowest directory with work worth a thread: near the
 * root, ranges hold the largest subtrees, so donations stay few. The job always keeps its
 * next key (the top frame's), or two jobs could hand one key back and forth.
 */
function donate<F extends KeyRange, J>(stack: F[], walk: KeyWalk<F, J>, out: JobOutput<J>): boolean {
  const top = stack[stack.length - 1];
  for (const f of stack) {
    const left = f.end - f.next;
    if (left === 0 || (left === 1 && f === top)) continue;
    const mid = left === 1 ? f.next : f.next + (left >> 1);
    if (f.end - mid < MIN_DONATED_ENTRIES && !hasSubtree(walk, f.keys, mid, f.end)) continue;
    const id = out.claimDonation();
    if (id === undefined) return false;
    out.donate(walk.jobFor(f, id, f.keys.slice(mid, f.end)));
    f.end = mid;
    f.holes.unshift(id);
    return true;
  }
  return false;
}

function hasSubtree<J>(walk: KeyWalk<KeyRange, J>, keys: string[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (walk.isSubtree(keys[i]!)) return true;
  return false;
}
