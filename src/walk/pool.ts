/**
 * Runs a walk's jobs (job-walk.ts): on worker threads (production) or in the current
 * thread (tests with memfs, and where the compiled worker is not available).
 *
 * Threads share three words with the main thread: WANT counts idle threads waiting for a
 * donation (a busy job claims one and hands over half of its remaining work), CURRENT is the
 * job whose output is being written, BUFFERED the bytes of output waiting for their turn.
 * A thread whose job is not being written waits while BUFFERED is over MAX_BUFFERED: memory
 * stays bounded, and the job being written never waits, so the walk always advances.
 */
import type { Worker } from 'node:worker_threads';
import { enterBase, type HeldDirectory } from './base-directory.js';
import { contextFactory, pairContextFactory, type PairSettings, type WalkSettings } from './context.js';
import { hashContents } from './describe-entry.js';
import { runJob, type JobOutput, type WalkJob } from './job-walk.js';
import { runPairJob, type PairJob } from './pair-walk.js';
import type { WalkFs } from './walk-fs.js';
import { OrderedOutput, type Piece, type WalkOutput } from './walker.js';
import { takeWorkers, workersAvailable } from './prestart.js';

export { WALK_THREADS, workersAvailable } from './prestart.js';

/** The contents field of a file, and bart's message when it could not be read. */
export interface HashedFile {
  contents: string;
  message?: string;
}

/** A walk's first job: the walked directory (see WalkJob). */
export type RootJob = Omit<WalkJob, 'id' | 'keys'>;
export type RootPairJob = Omit<PairJob, 'id' | 'keys'>;

/** A pool walks one tree at a time, or two at once. */
export type PoolSettings = WalkSettings | PairSettings;

export interface WalkPool {
  /**
   * Walks the subtree of `root` for rule number `rule`, writing it to `out`; one walk at a
   * time. Resolves to the number of jobs the walk took (1 + donations).
   */
  walk(root: RootJob, rule: number, rootFsType: string, out: WalkOutput): Promise<number>;
  /** Walks two trees at once (pair-walk.ts; a pool opened with PairSettings), likewise. */
  walkPair(root: RootPairJob, rootFsTypes: [string, string], out: WalkOutput): Promise<number>;
  /** The contents field of one file of `size` bytes when walked (diff's hashing). */
  hash(path: string, size: number): Promise<HashedFile>;
  close(): Promise<void>;
}

export const WANT = 0;
export const CURRENT = 1;
export const BUFFERED = 2;
// Memory: output held for jobs ahead of the one being written (~250k lines).
export const MAX_BUFFERED = 32 << 20;
// Files per hashing message: small files take ~20 µs each, a message ~50 µs.
const HASH_BATCH = 16;

/** What a walking thread is told once, before any job. */
export interface WorkerInit {
  settings: PoolSettings;
  words: SharedArrayBuffer;
  index: number;
  threads: number;
  /** See MAX_BUFFERED (tests make it small). */
  maxBuffered: number;
}

export type ToWorker =
  | { init: WorkerInit }
  | { walk: { job: WalkJob; rule: number; rootFsType: string } }
  /** base: see base-directory.ts. */
  | { pair: { job: PairJob; rootFsTypes: [string, string]; base?: string | undefined } }
  | { hash: HashRequest[] };

export interface HashRequest {
  id: number;
  path: string;
  size: number;
}

export type HashReply = { id: number; result: HashedFile } | { id: number; failed: { message: string; code?: string | undefined } };
export type FromWorker =
  | { ready: true }
  | { job: number; piece: Piece }
  | { donated: WalkJob | PairJob }
  | { done: number }
  | { hashed: HashReply[] }
  | { failed: { message: string; code?: string | undefined } };

/** In-thread walks for tests: `donateEvery` makes jobs donate work, as busy threads do. */
export interface InThreadTuning {
  donateEvery: number;
}

/** Walks in this thread; donated jobs run after the job that donated them. */
export async function inThreadPool(settings: PoolSettings, fs: WalkFs, tuning?: InThreadTuning): Promise<WalkPool> {
  const contextFor = await contextFactory(isPair(settings) ? settings.sides[0] : settings, fs);
  const pairFor = isPair(settings) ? await pairContextFactory(settings, () => fs) : undefined;
  async function run<J extends { id: number }>(first: J, runOne: (job: J, out: JobOutput<J>) => void, out: WalkOutput) {
    const output = new OrderedOutput(out, 0, { current: () => {}, consumed: () => {} });
    const jobOut = new InThreadOutput<J>((job, piece) => output.piece(job, piece), tuning);
    jobOut.queue.push(first);
    for (let job = jobOut.queue.shift(); job; job = jobOut.queue.shift()) {
      jobOut.job = job.id;
      runOne(job, jobOut);
      output.done(job.id);
    }
    await output.finished;
    return jobOut.nextId;
  }
  return {
    walk: (root, rule, rootFsType, out) => run({ ...root, id: 0 }, (job, o) => runJob(contextFor(rule, rootFsType), job, o), out),
    walkPair: (root, rootFsTypes, out) => run({ ...root, id: 0 }, (job, o) => runPairJob(pairFor!(rootFsTypes), job, o), out),
    hash: async (path, size) => hashContents(contextFor(0, ''), path, size),
    close: async () => {},
  };
}

export const isPair = (settings: PoolSettings): settings is PairSettings => 'sides' in settings;

/**
 * The piece-writing half of a JobOutput, for the job numbered `job`. Perf: one object per
 * thread, its job number set per job: closures made per job gave the walking loop a new
 * call target at each job, and each one deoptimized it (V8 recompiled it ~5 times a walk).
 */
export abstract class PieceWriter<J> implements JobOutput<J> {
  job = 0;
  constructor(private readonly send: (job: number, piece: Piece) => void) {}

  text(text: string): void {
    this.send(this.job, { text });
  }

  message(message: string): void {
    this.send(this.job, { message });
  }

  hole(hole: number): void {
    this.send(this.job, { hole });
  }

  abstract wantsDonation(): boolean;
  abstract claimDonation(): number | undefined;
  abstract donate(job: J): void;
}

/** In-thread jobs: donated jobs queue up behind the running one. */
class InThreadOutput<J> extends PieceWriter<J> {
  readonly queue: J[] = [];
  nextId = 1;
  private steps = 0;
  constructor(
    send: (job: number, piece: Piece) => void,
    private readonly tuning: InThreadTuning | undefined,
  ) {
    super(send);
  }

  wantsDonation(): boolean {
    return this.tuning !== undefined && ++this.steps % this.tuning.donateEvery === 0;
  }

  claimDonation(): number {
    return this.nextId++;
  }

  donate(job: J): void {
    this.queue.push(job);
  }
}

/**
 * Worker threads when `threads` > 0 and the compiled worker exists (not when running the
 * TypeScript sources, as in unit tests), else the current thread.
 */
export async function openPool(settings: PoolSettings, threads: number, fs: WalkFs, tuning?: InThreadTuning): Promise<WalkPool> {
  return threads > 0 && workersAvailable() ? workerPool(settings, threads) : inThreadPool(settings, fs, tuning);
}

interface ActiveWalk {
  output: OrderedOutput;
  /** The message that starts a job of this walk. */
  start(job: WalkJob | PairJob): ToWorker;
}

export async function workerPool(settings: PoolSettings, threads: number, maxBuffered = MAX_BUFFERED): Promise<WalkPool> {
  const words = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const idle: number[] = [];
  let active: ActiveWalk | undefined;
  const hashes = new Map<number, { resolve: (r: HashedFile) => void; reject: (e: Error) => void }>();
  let nextHash = 0;

  const start = (w: number, job: WalkJob | PairJob) => workers[w]!.postMessage(active!.start(job));
  const becameIdle = (w: number) => {
    idle.push(w);
    if (active) Atomics.add(words, WANT, 1);
  };
  let jobs = 0;
  let failedInBase: HeldDirectory | undefined;
  const onMessage = (w: number, msg: FromWorker) => {
    if ('piece' in msg) active?.output.piece(msg.job, msg.piece);
    else if ('donated' in msg) {
      // A walk that failed already drops the rest of its work.
      if (!active) return;
      jobs++;
      start(idle.shift()!, msg.donated);
    } else if ('done' in msg) {
      active?.output.done(msg.done);
      becameIdle(w);
    } else if ('hashed' in msg) {
      for (const reply of msg.hashed) {
        const waiting = hashes.get(reply.id)!;
        hashes.delete(reply.id);
        if ('result' in reply) waiting.resolve(reply.result);
        else waiting.reject(Object.assign(new Error(reply.failed.message), { code: reply.failed.code }));
      }
    } else if ('failed' in msg) {
      active?.output.fail(Object.assign(new Error(msg.failed.message), { code: msg.failed.code }));
    }
  };
  // Perf: hash requests made in one turn of the event loop go out in batches, one message
  // per batch and per reply (diff asks for one file at a time, hundreds of thousands).
  let queuedHashes: HashRequest[] = [];
  let nextBatch = 0;
  const sendHashes = () => {
    for (let i = 0; i < queuedHashes.length; i += HASH_BATCH) {
      workers[nextBatch++ % threads]!.postMessage({ hash: queuedHashes.slice(i, i + HASH_BATCH) } satisfies ToWorker);
    }
    queuedHashes = [];
  };
  const workers = await Promise.all(
    takeWorkers(threads).map((worker, w) => {
      worker.postMessage({ init: { settings, words: words.buffer as SharedArrayBuffer, index: w, threads, maxBuffered } } satisfies ToWorker);
      return new Promise<Worker>((resolve, reject) => {
        // A thread that dies fails the walk in progress (after start-up, reject does nothing).
        worker.on('error', (err) => {
          reject(err);
          active?.output.fail(err);
        });
        worker.on('message', (msg: FromWorker) => {
          if ('ready' in msg) {
            idle.push(w);
            resolve(worker);
          } else onMessage(w, msg);
        });
      });
    }),
  );
  async function run(first: WalkJob | PairJob, startMessage: ActiveWalk['start'], out: WalkOutput): Promise<number> {
    if (active) throw new Error('internal: one walk at a time');
    Atomics.store(words, BUFFERED, 0);
    const output = new OrderedOutput(out, 0, {
      current: (job) => {
        Atomics.store(words, CURRENT, job);
        Atomics.notify(words, BUFFERED);
      },
      consumed: (bytes) => {
        Atomics.sub(words, BUFFERED, bytes);
        Atomics.notify(words, BUFFERED);
      },
    });
    active = { output, start: startMessage };
    jobs = 1;
    start(idle.shift()!, first);
    Atomics.store(words, WANT, idle.length);
    try {
      await output.finished;
      return jobs;
    } finally {
      active = undefined;
      Atomics.store(words, WANT, 0);
    }
  }
  return {
    walk: (root, rule, rootFsType, out) => run({ ...root, id: 0 }, (job) => ({ walk: { job: job as WalkJob, rule, rootFsType } }), out),
    walkPair: async (root, rootFsTypes, out) => {
      const held = enterBase(root.sides.flatMap((side) => (side ? [side.dir] : [])));
      const jobs = await run({ ...root, id: 0 }, (job) => ({ pair: { job: job as PairJob, rootFsTypes, base: held?.dir } }), out).catch((err) => {
        // Other jobs of a failed walk may still run with relative paths: close() leaves.
        failedInBase = held;
        throw err;
      });
      held?.leave();
      return jobs;
    },
    hash: (path, size) =>
      new Promise<HashedFile>((resolve, reject) => {
        const id = nextHash++;
        hashes.set(id, { resolve, reject });
        if (queuedHashes.length === 0) queueMicrotask(sendHashes);
        queuedHashes.push({ id, path, size });
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
      failedInBase?.leave();
    },
  };
}
