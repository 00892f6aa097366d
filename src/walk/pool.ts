/**
 * Executors for walker.ts: a pool of worker threads (production) or the current thread
 * (tests with memfs, and where the compiled worker is not available).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { contextFactory, type WalkSettings } from './context.js';
import { listDirectory, type DirListing } from './list-dir.js';
import type { DirJob, Executor } from './walker.js';
import type { WalkFs } from './walk-fs.js';

export interface PoolRequest extends DirJob {
  id: number;
  rule: number;
  rootFsType: string;
}
export type PoolReply =
  | { id: number; listing?: undefined; error?: undefined }
  | { id: number; listing: DirListing; error?: undefined }
  | { id: number; listing?: undefined; error: { message: string; code?: string | undefined } };

/** Hands out one Executor per walked rule; `close` ends the threads. */
export interface ExecutorPool {
  executor(rule: number, rootFsType: string): Executor;
  close(): Promise<void>;
}

export async function inThreadPool(settings: WalkSettings, fs: WalkFs): Promise<ExecutorPool> {
  const contextFor = await contextFactory(settings, fs);
  return {
    executor: (rule, rootFsType) => ({
      concurrency: 1,
      list: async (job) => listDirectory(contextFor(rule, rootFsType), job.dir, job.dev),
    }),
    close: async () => {},
  };
}

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Whether worker threads can be used (the compiled worker exists next to this module). */
export function workersAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

export async function workerPool(settings: WalkSettings, threads: number): Promise<ExecutorPool> {
  const waiting = new Map<number, { resolve: (l: DirListing) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const load: number[] = [];
  const workers = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      load.push(0);
      const worker = new Worker(WORKER_FILE, { workerData: settings });
      return new Promise<Worker>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (reply: PoolReply) => {
          if (reply.id === -1) return resolve(worker);
          load[i]!--;
          const w = waiting.get(reply.id)!;
          waiting.delete(reply.id);
          if (reply.listing) w.resolve(reply.listing);
          else w.reject(Object.assign(new Error(reply.error!.message), { code: reply.error!.code }));
        });
      });
    }),
  );
  return {
    executor: (rule, rootFsType) => ({
      concurrency: threads,
      list: (job) =>
        new Promise<DirListing>((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve, reject });
          // Least-loaded thread: a directory of large files must not hold up the rest.
          const i = load.indexOf(Math.min(...load));
          load[i]!++;
          workers[i]!.postMessage({ ...job, id, rule, rootFsType } satisfies PoolRequest);
        }),
    }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
