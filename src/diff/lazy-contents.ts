/**
 * Joins the lines of two trees by name and fills in the contents field only where a
 * comparison needs it (spec/cli.md, `preupd diff`). The walker leaves F lines unhashed with a
 * tab and `ino:ctimeMs:mtimeMs:hashed` at the end (`hashed`: whether manifest create would
 * hash the file under the rules; if not, its contents stay `-` as in a manifest); a manifest
 * file gives lines with their hashes.
 *
 * A pair of files is taken as equal without reading it when it is the same file (same inode,
 * size, mtime and ctime: two snapshots of one ZFS lineage, or a snapshot and its clone), or
 * with `quick` when size and mtime agree (rsync's test). Otherwise both are hashed: also
 * when sizes differ, because the report shows both hashes, as compare of two manifests does
 * (only changed files pay for it).
 */

import type { ContentsMode } from '../walk/context.js';
import { scanName } from './fields.js';

export type { ContentsMode };

export interface HashedContents {
  contents: string;
  message?: string;
}

/** Hashes the live file `name` of `size` bytes when it was walked (see FileHasher). */
export type HashFile = (name: string, size: number) => Promise<HashedContents>;

export interface LazyContentsOptions {
  mode: ContentsMode;
  /** Whether the rules compare contents for this (escaped) name and type. */
  comparesContents(name: string, type: string): boolean;
  /** Hash a live file of a side (its walked size); undefined for a manifest side (it has its hashes). */
  hashControl?: HashFile;
  hashTest?: HashFile;
  onMessage(text: string): void;
}

export interface JoinedPair {
  control?: string;
  test?: string;
}

interface Entry {
  line: string;
  name: string;
  type: string;
  size: string;
  mtime: string;
  /** `ino:ctimeMs` of a live file, for the same-file test. */
  identity?: string;
  mtimeMs?: string;
  /** A live file that manifest create would leave unhashed (`-`). */
  unhashed?: boolean;
}

/** Perf: fields by indexOf (split made ~15 strings per line; this runs for every pair). */
function entryOf(raw: string): Entry {
  const tab = raw.indexOf('\t');
  const line = tab < 0 ? raw : raw.slice(0, tab);
  // name type size mode acl mtime ...: the ACL text holds no space (spec/bart.md §2.2).
  const s1 = line.indexOf(' ');
  const s2 = line.indexOf(' ', s1 + 1);
  const s3 = line.indexOf(' ', s2 + 1);
  const s5 = line.indexOf(' ', line.indexOf(' ', s3 + 1) + 1);
  const s6 = line.indexOf(' ', s5 + 1);
  const entry: Entry = {
    line,
    name: line.slice(0, s1),
    type: line.slice(s1 + 1, s2),
    size: line.slice(s2 + 1, s3),
    mtime: line.slice(s5 + 1, s6 < 0 ? undefined : s6),
    identity: undefined,
    mtimeMs: undefined,
    unhashed: undefined,
  };
  if (tab >= 0) {
    // ino:ctimeMs:mtimeMs:hashed
    const c2 = raw.indexOf(':', raw.indexOf(':', tab) + 1);
    const c3 = raw.indexOf(':', c2 + 1);
    entry.identity = raw.slice(tab + 1, c2);
    entry.mtimeMs = raw.slice(c2 + 1, c3 < 0 ? undefined : c3);
    entry.unhashed = c3 >= 0 && raw.length === c3 + 2 && raw.endsWith('0');
  }
  return entry;
}

/** The line with its contents field (the last one of an F line) replaced. */
function withContents(line: string, contents: string): string {
  return line.slice(0, line.lastIndexOf(' ') + 1) + contents;
}

function sameFile(c: Entry, t: Entry): boolean {
  return c.identity !== undefined && c.identity === t.identity && c.size === t.size && c.mtimeMs === t.mtimeMs;
}

function sameSizeAndMtime(c: Entry, t: Entry): boolean {
  return c.size === t.size && (c.mtimeMs !== undefined && t.mtimeMs !== undefined ? c.mtimeMs === t.mtimeMs : c.mtime === t.mtime);
}

async function fill(
  entry: Entry,
  hash: HashFile | undefined,
  opts: LazyContentsOptions,
): Promise<string> {
  if (!hash || entry.unhashed) return entry.line;
  const { contents, message } = await hash(entry.name, Number(entry.size));
  if (message) opts.onMessage(message);
  return withContents(entry.line, contents);
}

/** The pair with the same name as it is, when no hashing is needed; undefined otherwise. */
function resolveWithoutHashing(c: Entry, t: Entry, opts: LazyContentsOptions): JoinedPair | undefined {
  if (!opts.hashControl && !opts.hashTest) return { control: c.line, test: t.line };
  const cIsFile = c.type === 'F';
  const tIsFile = t.type === 'F';
  if ((!cIsFile && !tIsFile) || !opts.comparesContents(c.name, c.type)) return { control: c.line, test: t.line };
  if (cIsFile && tIsFile && opts.mode !== 'paranoid' && !c.unhashed && !t.unhashed) {
    if (sameFile(c, t) || (opts.mode === 'quick' && sameSizeAndMtime(c, t))) {
      // Equal: a manifest side lends its hash to a live side; two live sides keep '-', two
      // manifests keep what they recorded.
      const contents = (line: string) => line.slice(line.lastIndexOf(' ') + 1);
      if (!opts.hashControl && opts.hashTest) return { control: c.line, test: withContents(t.line, contents(c.line)) };
      if (!opts.hashTest && opts.hashControl) return { control: withContents(c.line, contents(t.line)), test: t.line };
      return { control: c.line, test: t.line };
    }
  }
  return undefined;
}

async function hashPair(c: Entry, t: Entry, opts: LazyContentsOptions): Promise<JoinedPair> {
  const [control, test] = await Promise.all([
    c.type === 'F' ? fill(c, opts.hashControl, opts) : c.line,
    t.type === 'F' ? fill(t, opts.hashTest, opts) : t.line,
  ]);
  return { control, test };
}

// Perf: hashes of this many pairs may be in flight while the output waits for the first
// (with 64, the hashing threads sat idle half of the time).
const WINDOW = 1024;
// Pairs in one batch of output.
const BATCH = 1024;

/** Reads batches of lines one line at a time; waits only when a batch is used up. */
class LineCursor {
  private batch: string[] = [];
  private at = 0;
  private readonly it: AsyncIterator<string[]>;
  constructor(batches: AsyncIterable<string[]>) {
    this.it = batches[Symbol.asyncIterator]();
  }

  /** The current line, reading the next batch if needed; undefined at the end. */
  async current(): Promise<string | undefined> {
    while (this.at >= this.batch.length) {
      const r = await this.it.next();
      if (r.done) return undefined;
      this.batch = r.value;
      this.at = 0;
    }
    return this.batch[this.at];
  }

  /** The current line when it is already read (no wait). */
  peek(): string | undefined {
    return this.at < this.batch.length ? this.batch[this.at] : undefined;
  }

  advance(): void {
    this.at++;
  }
}

/**
 * The name bart's merge goes by: up to the first isspace byte (\v, \f and \r are raw in
 * names), at most 1023 bytes. Pairing by anything else would pair lines bart meets apart.
 */
const nameOf = (line: string) => scanName(line) ?? '';
const withoutSuffix = (line: string) => {
  const tab = line.indexOf('\t');
  return tab < 0 ? line : line.slice(0, tab);
};

/** From the tab: `mtimeMs:hashed`, after `ino:ctimeMs:`. */
const mtimeAndFlag = (line: string, tab: number) => line.slice(line.indexOf(':', line.indexOf(':', tab) + 1));

/**
 * Perf: most pairs are alike; tell them without parsing (what resolveWithoutHashing would
 * conclude). Lines equal to the byte are one file (same inode, ctime, mtime) or one manifest
 * line; under quick, two live lines equal but for inode and ctime pass rsync's test.
 */
function alikeLine(cl: string, tl: string, mode: ContentsMode): string | undefined {
  if (mode === 'paranoid') return undefined;
  if (cl === tl) return withoutSuffix(cl);
  if (mode !== 'quick') return undefined;
  const tab = cl.indexOf('\t');
  if (tab < 0 || tl.indexOf('\t') !== tab || !cl.startsWith(tl.slice(0, tab))) return undefined;
  return mtimeAndFlag(cl, tab) === mtimeAndFlag(tl, tab) ? cl.slice(0, tab) : undefined;
}

/**
 * Pairs the two sorted streams of line batches by name (as bart compare's merge does), in
 * order and in batches. Perf: synchronous per line; it waits only for a new batch.
 */
export async function* pairByName(control: AsyncIterable<string[]>, test: AsyncIterable<string[]>): AsyncGenerator<JoinedPair[]> {
  const c = new LineCursor(control);
  const t = new LineCursor(test);
  let out: JoinedPair[] = [];
  for (;;) {
    const cl = c.peek() ?? (await c.current());
    const tl = t.peek() ?? (await t.current());
    if (cl === undefined && tl === undefined) break;
    const cn = cl === undefined ? undefined : nameOf(cl);
    const tn = tl === undefined ? undefined : nameOf(tl);
    if (cn !== undefined && cn === tn) {
      c.advance();
      t.advance();
      out.push({ control: cl, test: tl });
    } else if (cn !== undefined && (tn === undefined || cn < tn)) {
      c.advance();
      out.push({ control: cl });
    } else {
      t.advance();
      out.push({ test: tl });
    }
    if (out.length >= BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/**
 * Fills in the contents field of paired lines where needed (see the top of this file), in
 * order and in batches. Perf: synchronous per pair; it waits only for a new batch or a hash.
 */
export async function* resolveContents(pairs: AsyncIterable<JoinedPair[]>, opts: LazyContentsOptions): AsyncGenerator<JoinedPair[]> {
  // Pairs in output order; a hashed one is a promise until its hashes are in.
  const pending: Array<JoinedPair | Promise<JoinedPair>> = [];
  let head = 0;
  // Pairs written and dropped from the front of `pending`: a slot's index is absolute - removed.
  let removed = 0;
  let hashing = 0;
  let out: JoinedPair[] = [];
  const emitReady = () => {
    for (; head < pending.length && !(pending[head] instanceof Promise); head++) out.push(pending[head] as JoinedPair);
    if (head > 4096) {
      pending.splice(0, head);
      removed += head;
      head = 0;
    }
  };
  for await (const batch of pairs) {
    for (const { control: cl, test: tl } of batch) {
      if (cl === undefined || tl === undefined) pending.push(cl === undefined ? { test: withoutSuffix(tl!) } : { control: withoutSuffix(cl) });
      else {
        const alike = alikeLine(cl, tl, opts.mode);
        if (alike !== undefined) pending.push({ control: alike, test: alike });
        else {
          const ce = entryOf(cl);
          const te = entryOf(tl);
          const now = resolveWithoutHashing(ce, te, opts);
          if (now) pending.push(now);
          else {
            const slot = removed + pending.length;
            hashing++;
            pending.push(
              hashPair(ce, te, opts).then((pair) => {
                pending[slot - removed] = pair;
                hashing--;
                return pair;
              }),
            );
          }
        }
      }
      emitReady();
      if (hashing >= WINDOW) {
        await pending[head];
        emitReady();
      }
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
  }
  while (head < pending.length) {
    await pending[head];
    emitReady();
  }
  if (out.length > 0) yield out;
}
