/**
 * Walking threads started ahead of need (pool.ts takes them): they boot while the command line
 * is still being parsed. A module of its own, so that starting them loads nothing else.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// Memory: a walking thread's garbage is short-lived; a small young generation keeps RSS
// down (230k entries: 236 -> 176 MB) at no cost in time.
const YOUNG_GENERATION = { maxYoungGenerationSizeMb: 4 };

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

// Walking threads on the benchmark machines (2 cores; more threads only contend for them).
export const WALK_THREADS = 2;

let prestarted: Worker[] = [];

/** Starts `threads` walking threads (~0.1 s each to boot); unused, they do not keep the process alive. */
export function prestartWalkers(threads: number): void {
  if (!workersAvailable()) return;
  prestarted = Array.from({ length: threads }, () => {
    const worker = spawnWorker();
    worker.unref();
    return worker;
  });
}

function spawnWorker(): Worker {
  return new Worker(WORKER_FILE, { resourceLimits: YOUNG_GENERATION });
}

/** `threads` workers, the prestarted ones first. */
export function takeWorkers(threads: number): Worker[] {
  const taken = prestarted.splice(0, threads);
  for (const worker of taken) worker.ref();
  while (taken.length < threads) taken.push(spawnWorker());
  return taken;
}

/** Whether worker threads can be used (the compiled worker exists: not when running the TypeScript sources). */
export function workersAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

