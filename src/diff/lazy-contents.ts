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

export type ContentsMode = 'default' | 'paranoid' | 'quick';

export interface HashedContents {
  contents: string;
  message?: string;
}

export interface LazyContentsOptions {
  mode: ContentsMode;
  /** Whether the rules compare contents for this (escaped) name and type. */
  comparesContents(name: string, type: string): boolean;
  /** Hash a live file of a side; undefined for a manifest side (it has its hashes). */
  hashControl?: (name: string) => Promise<HashedContents>;
  hashTest?: (name: string) => Promise<HashedContents>;
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

function entryOf(raw: string): Entry {
  const tab = raw.indexOf('\t');
  const line = tab < 0 ? raw : raw.slice(0, tab);
  const fields = line.split(' ');
  const entry: Entry = { line, name: fields[0]!, type: fields[1]!, size: fields[2]!, mtime: fields[5]! };
  if (tab >= 0) {
    const [ino, ctimeMs, mtimeMs, hashed] = raw.slice(tab + 1).split(':');
    entry.identity = `${ino}:${ctimeMs}`;
    entry.mtimeMs = mtimeMs;
    entry.unhashed = hashed === '0';
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
  hash: ((name: string) => Promise<HashedContents>) | undefined,
  opts: LazyContentsOptions,
): Promise<string> {
  if (!hash || entry.unhashed) return entry.line;
  const { contents, message } = await hash(entry.name);
  if (message) opts.onMessage(message);
  return withContents(entry.line, contents);
}

/** Decides and fills the contents of one pair with the same name. */
async function resolvePair(c: Entry, t: Entry, opts: LazyContentsOptions): Promise<JoinedPair> {
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
  const [control, test] = await Promise.all([
    cIsFile ? fill(c, opts.hashControl, opts) : c.line,
    tIsFile ? fill(t, opts.hashTest, opts) : t.line,
  ]);
  return { control, test };
}

// Perf: hashes of this many pairs may be in flight while the output waits for the first
// (with 64, the hashing threads sat idle half of the time).
const WINDOW = 1024;

/**
 * Pairs the two sorted line streams by name (as bart compare's merge does) and yields them
 * in order, with contents filled where needed.
 */
export async function* joinWithLazyContents(
  control: AsyncIterable<string>,
  test: AsyncIterable<string>,
  opts: LazyContentsOptions,
): AsyncGenerator<JoinedPair> {
  const cIt = control[Symbol.asyncIterator]();
  const tIt = test[Symbol.asyncIterator]();
  const next = async (it: AsyncIterator<string>) => {
    const r = await it.next();
    return r.done ? undefined : entryOf(r.value);
  };
  let c = await next(cIt);
  let t = await next(tIt);
  const queue: Array<Promise<JoinedPair>> = [];
  while (c || t) {
    if (c && t && c.name === t.name) {
      queue.push(resolvePair(c, t, opts));
      [c, t] = await Promise.all([next(cIt), next(tIt)]);
    } else if (c && (!t || c.name < t.name)) {
      queue.push(Promise.resolve({ control: c.line }));
      c = await next(cIt);
    } else {
      queue.push(Promise.resolve({ test: t!.line }));
      t = await next(tIt);
    }
    if (queue.length >= WINDOW) yield await queue.shift()!;
  }
  while (queue.length) yield await queue.shift()!;
}
