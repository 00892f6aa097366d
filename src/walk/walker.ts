/**
 * Ordered, concurrent walk of one subtree. Directory listings (list-dir.ts) run on an
 * executor (worker threads, or in-thread for tests) ahead of the output; the output is
 * produced in bart's order without ever sorting the whole tree:
 *
 * bart sorts whole lines bytewise. Within a directory, an entry's own line starts with
 * `escaped-name + ' '` and every line below it with `escaped-name + '/'`; names contain no
 * raw space or '/', so sorting those two keys per entry and expanding each '/'-key in place
 * (recursively) yields exactly the fully sorted manifest (spec/bart.md §2.5).
 */
import type { DirListing, ListedItem } from './list-dir.js';

export interface DirJob {
  dir: string;
  dev: number;
}

/** Runs listing jobs; jobs may overlap and complete in any order. */
export interface Executor {
  readonly concurrency: number;
  list(job: DirJob): Promise<DirListing>;
}

export interface WalkOutput {
  /** Sorted manifest lines (no newline), in batches. */
  lines(batch: string[]): void;
  /** bart's stderr text. */
  message(text: string): void;
}

// Perf/memory: how far listings may run ahead of the output. 50k buffered items is about
// 20 MB of lines with ZFS ACL text, and enough lookahead to keep two workers busy.
const MAX_BUFFERED_ITEMS = 50_000;

/**
 * Dispatches listings in depth-first output order with bounded lookahead: the next
 * directories the output will need go first, so what is buffered stays small.
 */
class Scheduler {
  /** Directories not yet dispatched; a stack whose top is the next in output order. */
  private readonly pending: DirJob[] = [];
  private readonly started = new Map<string, Promise<DirListing>>();
  private inFlight = 0;
  private buffered = 0;

  constructor(private readonly executor: Executor) {}

  /** The listing of `job.dir`, started now if it was not yet. */
  get(job: DirJob): Promise<DirListing> {
    const started = this.started.get(job.dir);
    if (started) return started;
    // Not dispatched yet: it is near the top of `pending` (depth-first order).
    let at = this.pending.length - 1;
    while (at >= 0 && this.pending[at]!.dir !== job.dir) at--;
    if (at >= 0) this.pending.splice(at, 1);
    return this.start(job);
  }

  /** The output took this listing: it no longer counts against the lookahead. */
  consumed(dir: string, listing: DirListing): void {
    this.started.delete(dir);
    this.buffered -= listing.items.length;
    this.pump();
  }

  private start(job: DirJob): Promise<DirListing> {
    this.inFlight++;
    const promise = this.executor.list(job).then((listing) => {
      this.inFlight--;
      this.buffered += listing.items.length;
      // Subdirectories go on top, first in output order on the very top: depth-first, like
      // the output.
      for (let i = listing.items.length - 1; i >= 0; i--) {
        const item = listing.items[i]!;
        if (item.dir !== undefined && !item.needsListing) this.pending.push({ dir: item.dir, dev: item.dev! });
      }
      this.pump();
      return listing;
    });
    this.started.set(job.dir, promise);
    return promise;
  }

  private pump(): void {
    while (
      this.inFlight < this.executor.concurrency * 2 &&
      this.buffered < MAX_BUFFERED_ITEMS &&
      this.pending.length > 0
    ) {
      this.start(this.pending.pop()!);
    }
  }
}

/**
 * Walks the directory `root` (whose own line, if any, is `rootLine`) and writes its lines
 * in order. `rootName` is the root's printed name: when it is '/', children such as
 * "/\x01x" sort before the root's own "/ D ..." line, so the root line joins the sort.
 */
export async function walkSorted(
  executor: Executor,
  root: DirJob,
  rootLine: string | undefined,
  rootName: string,
  out: WalkOutput,
): Promise<void> {
  const scheduler = new Scheduler(executor);
  const rootListing = await scheduler.get(root);
  if (!rootListing.ok) {
    for (const m of rootListing.messages) out.message(m);
    return;
  }
  if (rootLine !== undefined && rootName !== '/') out.lines([rootLine]);
  const rootItems = rootListing.items;
  if (rootLine !== undefined && rootName === '/') {
    rootItems.push({ key: ' ', line: rootLine });
    rootItems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  scheduler.consumed(root.dir, rootListing);
  for (const m of rootListing.messages) out.message(m);

  const stack: Array<{ items: ListedItem[]; next: number }> = [{ items: rootItems, next: 0 }];
  let batch: string[] = [];
  const flush = () => {
    if (batch.length) out.lines(batch);
    batch = [];
  };
  // Listings already awaited for a directory's own line, kept until its subtree key.
  const early = new Map<string, DirListing>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.next++]!;
    if (item.dir === undefined) {
      batch.push(item.line!);
      continue;
    }
    const job = { dir: item.dir, dev: item.dev! };
    let listing = early.get(item.dir);
    if (!listing) {
      flush();
      listing = await scheduler.get(job);
    }
    if (item.needsListing) {
      // The directory's own line sorts before its subtree ('name ' < 'name/').
      early.set(item.dir, listing);
      if (listing.ok) batch.push(item.line!);
      continue;
    }
    early.delete(item.dir);
    flush();
    scheduler.consumed(item.dir, listing);
    for (const m of listing.messages) out.message(m);
    if (listing.ok) stack.push({ items: listing.items, next: 0 });
  }
  flush();
}
