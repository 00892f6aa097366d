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
import type { DirJob, WalkChunk } from './walk-chunk.js';
import { DirQueue } from './dir-queue.js';
import type { Described, HashedFile } from './pool.js';
import { byKey } from './list-dir.js';

/** Runs walking and hashing jobs; jobs may overlap and complete in any order. */
export interface Executor {
  readonly concurrency: number;
  /** `urgent`: the output is waiting for this one; it goes before queued work. */
  walk(job: DirJob, urgent?: boolean): Promise<WalkChunk>;
  hash(path: string): Promise<HashedFile>;
  /** Describes more entries of a large directory (DirListing.rest). */
  describe(job: DirJob, names: string[]): Promise<Described>;
}

export interface WalkOutput {
  /** Sorted manifest lines (no newline), in batches. */
  lines(batch: string[]): void | Promise<void>;
  /** bart's stderr text. */
  message(text: string): void;
}

// Memory: how far listings may run ahead of the output. Buffered items outlive young-
// generation collections, so this bounds RSS too: 20k items (~8 MB of lines with ZFS ACL
// text) still keep two workers busy.
const MAX_BUFFERED_ITEMS = 20_000;
// Perf: a few chunks queued per thread, so no thread waits for the main thread.
const MAX_IN_FLIGHT_PER_THREAD = 4;
// Entries per job when a large directory is shared between threads.
const SLICE = 2048;

/**
 * Dispatches walking jobs in depth-first output order with bounded lookahead: the
 * directories the output will need next go first, so what is buffered stays small.
 * A job may list a whole run of descendants (walk-chunk.ts): a directory below a job in
 * flight is asked for only once that job has answered.
 */
class Scheduler {
  /** Directories not yet dispatched, first in output order first. */
  private readonly pending = new DirQueue();
  /** Listings received and not yet consumed by the output. */
  private readonly done = new Map<string, DirListing>();
  /** Jobs in flight, by their root directory. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private buffered = 0;

  constructor(private readonly executor: Executor) {}

  /** The listing of `job.dir`, walked now if no job covers it yet. */
  async get(job: DirJob): Promise<DirListing> {
    for (;;) {
      const listing = this.done.get(job.dir);
      if (listing) return listing;
      const covering = [...this.inFlight].find(([root]) => job.dir === root || job.dir.startsWith(root === '/' ? '/' : root + '/'));
      if (covering) {
        await covering[1];
        continue;
      }
      this.pending.remove(job.dir);
      await this.start(job, true);
    }
  }

  /** The listing of `dir` if it has arrived. */
  peek(dir: string): DirListing | undefined {
    return this.done.get(dir);
  }

  /** The output took this listing: it no longer counts against the lookahead. */
  consumed(dir: string): void {
    const listing = this.done.get(dir);
    if (!listing) return;
    this.done.delete(dir);
    this.buffered -= listing.items.length;
    this.pump();
  }

  private start(job: DirJob, urgent = false): Promise<void> {
    const promise = this.executor.walk(job, urgent).then(async (chunk) => {
      await Promise.all(chunk.listings.map(async ([dir, listing]) => {
        const jobFor = dir === job.dir ? job : undefined;
        await this.describeRest(jobFor ?? { dir, dev: this.devOf(chunk, dir) }, listing);
        await this.hashDeferred(listing);
      }));
      this.inFlight.delete(job.dir);
      for (const [dir, listing] of chunk.listings) {
        this.done.set(dir, listing);
        this.buffered += listing.items.length;
      }
      for (const dir of chunk.unvisited) this.pending.push(dir);
      this.pump();
    });
    this.inFlight.set(job.dir, promise);
    return promise;
  }

  /** The device of a directory listed in a chunk (from its parent's item, or the job). */
  private devOf(chunk: WalkChunk, dir: string): number {
    for (const [, listing] of chunk.listings) {
      const item = listing.items.find((i) => i.dir === dir && !i.needsListing);
      if (item) return item.dev!;
    }
    return 0;
  }

  /**
   * Has the rest of a large directory described by all threads, in slices; the directories
   * found there go to `pending`, since the chunk did not know them.
   */
  private async describeRest(job: DirJob, listing: DirListing): Promise<void> {
    const rest = listing.rest;
    if (!rest) return;
    listing.rest = undefined;
    const slices: string[][] = [];
    for (let i = 0; i < rest.length; i += SLICE) slices.push(rest.slice(i, i + SLICE));
    for (const described of await Promise.all(slices.map((names) => this.executor.describe(job, names)))) {
      for (const item of described.items) {
        listing.items.push(item);
        if (item.dir !== undefined && !item.needsListing) this.pending.push({ dir: item.dir, dev: item.dev! });
      }
      listing.messages.push(...described.messages);
    }
    listing.items.sort(byKey);
  }

  /** Completes the lines of files the listing left to be hashed by any thread. */
  private async hashDeferred(listing: DirListing): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const item of listing.items) {
      if (item.hashPath === undefined) continue;
      jobs.push(
        this.executor.hash(item.hashPath).then(({ contents, message }) => {
          item.line += contents;
          if (message) listing.messages.push(message);
        }),
      );
    }
    await Promise.all(jobs);
  }

  private pump(): void {
    while (
      this.inFlight.size < this.executor.concurrency * MAX_IN_FLIGHT_PER_THREAD &&
      this.buffered < MAX_BUFFERED_ITEMS &&
      this.pending.size > 0
    ) {
      void this.start(this.pending.pop()!);
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
  if (rootLine !== undefined && rootName !== '/') await out.lines([rootLine]);
  const rootItems = rootListing.items;
  if (rootLine !== undefined && rootName === '/') {
    rootItems.push({ key: ' ', line: rootLine });
    rootItems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  scheduler.consumed(root.dir);
  for (const m of rootListing.messages) out.message(m);

  const stack: Array<{ items: ListedItem[]; next: number }> = [{ items: rootItems, next: 0 }];
  let batch: string[] = [];
  // Lines go out in large batches, and before every wait for a listing still walking.
  const flush = async () => {
    if (batch.length === 0) return;
    const full = batch;
    batch = [];
    await out.lines(full);
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
    let listing = early.get(item.dir) ?? scheduler.peek(item.dir);
    if (!listing) {
      await flush();
      listing = await scheduler.get(job);
    }
    if (item.needsListing) {
      // The directory's own line sorts before its subtree ('name ' < 'name/').
      early.set(item.dir, listing);
      if (listing.ok) batch.push(item.line!);
      continue;
    }
    early.delete(item.dir);
    if (batch.length >= 4096) await flush();
    scheduler.consumed(item.dir);
    for (const m of listing.messages) out.message(m);
    if (listing.ok) stack.push({ items: listing.items, next: 0 });
  }
  await flush();
}
