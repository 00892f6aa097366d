/** A walking thread: runs walk jobs and hash requests (see pool.ts for the protocol). */
import { parentPort } from 'node:worker_threads';
import { contextFactory, pairContextFactory } from './context.js';
import { hashContents } from './describe-entry.js';
import { runJob, type WalkJob } from './job-walk.js';
import { runPairJob, type PairJob } from './pair-walk.js';
import { setWalkBase } from './base-directory.js';
import { threadWalkFs } from './walk-fs.js';
import { BUFFERED, CURRENT, WANT, isPair, PieceWriter, type FromWorker, type HashReply, type ToWorker, type WorkerInit } from './pool.js';

// The pool may start this thread before it knows the walk: settings come in the first message.
const { settings, words: shared, index, threads, maxBuffered } = await new Promise<WorkerInit>((resolve) =>
  parentPort!.once('message', (msg: ToWorker) => resolve((msg as { init: WorkerInit }).init)),
);
const words = new Int32Array(shared);
const contextFor = await contextFactory(isPair(settings) ? settings.sides[0] : settings, threadWalkFs());
const pairFor = isPair(settings) ? await pairContextFactory(settings, threadWalkFs) : undefined;
const post = (msg: FromWorker) => parentPort!.postMessage(msg);
let donations = 0;

/** Waits while too much output is held for later, unless this job's output is being written. */
function waitForRoom(job: number): void {
  for (;;) {
    const buffered = Atomics.load(words, BUFFERED);
    if (buffered <= maxBuffered || Atomics.load(words, CURRENT) === job) return;
    Atomics.wait(words, BUFFERED, buffered, 100);
  }
}

function claimDonation(): number | undefined {
  for (;;) {
    const want = Atomics.load(words, WANT);
    if (want <= 0) return undefined;
    // Ids unique across threads; 0 is the first job.
    if (Atomics.compareExchange(words, WANT, want, want - 1) === want) return ++donations * threads + index + 1;
  }
}

/** This thread's output (see PieceWriter): pieces go to the main thread as messages. */
class ThreadOutput extends PieceWriter<WalkJob | PairJob> {
  override text(text: string): void {
    Atomics.add(words, BUFFERED, text.length);
    super.text(text);
    waitForRoom(this.job);
  }

  wantsDonation(): boolean {
    return Atomics.load(words, WANT) > 0;
  }

  claimDonation(): number | undefined {
    return claimDonation();
  }

  donate(donated: WalkJob | PairJob): void {
    post({ donated });
  }
}
const out = new ThreadOutput((job, piece) => post({ job, piece }));

parentPort!.on('message', (msg: ToWorker) => {
  if ('init' in msg) return;
  if ('hash' in msg) {
    setWalkBase(undefined);
    const replies: HashReply[] = msg.hash.map(({ id, path, size }) => {
      try {
        return { id, result: hashContents(contextFor(0, ''), path, size) };
      } catch (err) {
        return { id, failed: errorOf(err) };
      }
    });
    post({ hashed: replies });
    return;
  }
  out.job = 'walk' in msg ? msg.walk.job.id : msg.pair.job.id;
  setWalkBase('pair' in msg ? msg.pair.base : undefined);
  try {
    if ('walk' in msg) runJob(contextFor(msg.walk.rule, msg.walk.rootFsType), msg.walk.job, out);
    else runPairJob(pairFor!(msg.pair.rootFsTypes), msg.pair.job, out);
    post({ done: out.job });
  } catch (err) {
    post({ failed: errorOf(err) });
  }
});
post({ ready: true });

function errorOf(err: unknown): { message: string; code?: string } {
  const e = err as NodeJS.ErrnoException;
  return { message: e.message, code: e.code };
}
