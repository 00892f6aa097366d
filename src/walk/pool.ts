/**
 * Executors for walker.ts: a pool of worker threads (production) or the current thread
 * (tests with memfs, and where the compiled worker is not available).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { contextFactory, type WalkSettings } from './context.js';
import { walkChunk, type ChunkBudget, type DirJob, type WalkChunk } from './walk-chunk.js';
import type { Executor } from './walker.js';
import { describeNames, hashContents, type ListedItem } from './list-dir.js';

/** The contents field of a deferred file, and bart's message when it could not be read. */
export interface HashedFile {
  contents: string;
  message?: string;
}
import type { WalkFs } from './walk-fs.js';

/**
 * Main thread to worker: walk a chunk below `dir`, hash the file `hashPath`, or describe
 * the entries `names` of the large directory `dir`.
 */
export interface PoolRequest extends DirJob {
  id: number;
  rule: number;
  rootFsType: string;
  hashPath?: string;
  names?: string[];
}
export interface PoolReply {
  id: number;
  chunk?: WalkChunk;
  hashed?: HashedFile;
  described?: Described;
  error?: { message: string; code?: string | undefined };
}

/** Entries of part of a directory, unsorted (list-dir.ts describeNames). */
export interface Described {
  items: ListedItem[];
  messages: string[];
}

/** Hands out one Executor per walked rule; `close` ends the threads. */
export interface ExecutorPool {
  executor(rule: number, rootFsType: string): Executor;
  close(): Promise<void>;
}

/** Walks in this thread; `budget` makes chunks small in tests, to exercise the scheduler. */
export async function inThreadPool(settings: WalkSettings, fs: WalkFs, budget?: ChunkBudget): Promise<ExecutorPool> {
  const contextFor = await contextFactory(settings, fs);
  return {
    executor: (rule, rootFsType) => ({
      concurrency: 1,
      walk: async (job) => walkChunk(contextFor(rule, rootFsType), job, budget),
      hash: async (path) => hashContents(contextFor(rule, rootFsType), path),
      describe: async (job, names) => describeNames(contextFor(rule, rootFsType), job.dir, job.dev, names),
    }),
    close: async () => {},
  };
}

/**
 * In-thread walks in tests: small chunks, deferred hashing and split directories take the
 * scheduler paths that worker threads take on large trees.
 */
export interface InThreadTuning {
  budget: ChunkBudget;
  deferHashAbove: number;
  splitAbove: number;
}

/**
 * Worker threads when `threads` > 0 and the compiled worker exists (not when running the
 * TypeScript sources, as in unit tests), else the current thread.
 */
export async function openPool(
  settings: Omit<WalkSettings, 'deferHashAbove'>,
  threads: number,
  fs: WalkFs,
  tuning?: InThreadTuning,
): Promise<ExecutorPool> {
  return threads > 0 && workersAvailable()
    ? workerPool(settings, threads)
    : inThreadPool({ ...settings, deferHashAbove: tuning?.deferHashAbove ?? Infinity, splitAbove: tuning?.splitAbove ?? Infinity }, fs, tuning?.budget);
}

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Whether worker threads can be used (the compiled worker exists next to this module). */
export function workersAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

/**
 * Worker threads that walk chunks and hash files. Files over 1 MiB are hashed as jobs of
 * their own, so that one directory of large files (/usr/lib/x86_64-linux-gnu: 650 MB) is
 * shared by all threads. Perf: smaller files are hashed while listing, saving messages.
 *
 * Jobs wait in one queue here and each thread holds at most two: a free thread takes the
 * next job, so threads stay balanced whatever the jobs cost. Hash jobs and urgent walks go
 * first: the output is waiting for them, while other walk jobs only run ahead.
 */
// Perf: slices of 2048 entries are ~10 ms of work: enough to share a large directory
// between threads without a message per entry.
const SPLIT_ABOVE = 2048;

export async function workerPool(settings: Omit<WalkSettings, 'deferHashAbove'>, threads: number): Promise<ExecutorPool> {
  const workerSettings: WalkSettings = { ...settings, deferHashAbove: 1 << 20, splitAbove: SPLIT_ABOVE };
  const waiting = new Map<number, { resolve: (reply: PoolReply) => void; reject: (e: Error) => void }>();
  const queued = { hash: [] as PoolRequest[], walk: [] as PoolRequest[] };
  const held: number[] = Array.from({ length: threads }, () => 0);
  let nextId = 0;
  const workers = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const worker = new Worker(WORKER_FILE, { workerData: workerSettings });
      return new Promise<Worker>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (reply: PoolReply) => {
          if (reply.id === -1) return resolve(worker);
          held[i]!--;
          dispatch();
          const w = waiting.get(reply.id)!;
          waiting.delete(reply.id);
          if (reply.error) w.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
          else w.resolve(reply);
        });
      });
    }),
  );
  function dispatch(): void {
    for (let i = 0; i < threads; i++) {
      while (held[i]! < 2) {
        const request = queued.hash.shift() ?? queued.walk.shift();
        if (!request) return;
        held[i]!++;
        workers[i]!.postMessage(request);
      }
    }
  }
  const send = (request: Omit<PoolRequest, 'id'>, urgent = false) =>
    new Promise<PoolReply>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      const queue = request.hashPath === undefined ? queued.walk : queued.hash;
      if (urgent) queue.unshift({ ...request, id });
      else queue.push({ ...request, id });
      dispatch();
    });
  return {
    executor: (rule, rootFsType) => ({
      concurrency: threads,
      walk: async (job, urgent) => (await send({ ...job, rule, rootFsType }, urgent)).chunk!,
      hash: async (hashPath) => (await send({ dir: '', dev: 0, rule, rootFsType, hashPath })).hashed!,
      // Perf: the output waits for these, like for hashes.
      describe: async (job, names) => (await send({ ...job, rule, rootFsType, names }, true)).described!,
    }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
