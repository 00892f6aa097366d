/** A walking thread: runs walk jobs and hash requests (see pool.ts for the protocol). */
import { parentPort } from 'node:worker_threads';
import { contextFactory, type WalkSettings } from './context.js';
import { hashContents } from './describe-entry.js';
import { runJob } from './job-walk.js';
import { threadWalkFs } from './walk-fs.js';
import { BUFFERED, CURRENT, WANT, pieceWriter, type FromWorker, type HashReply, type ToWorker, type WorkerInit } from './pool.js';

// The pool may start this thread before it knows the walk: settings come in the first message.
const { settings, words: shared, index, threads, maxBuffered } = await new Promise<WorkerInit>((resolve) =>
  parentPort!.once('message', (msg: ToWorker) => resolve((msg as { init: WorkerInit }).init)),
);
const words = new Int32Array(shared);
const contextFor = await contextFactory(settings, threadWalkFs());
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

parentPort!.on('message', (msg: ToWorker) => {
  if ('init' in msg) return;
  if ('hash' in msg) {
    const replies: HashReply[] = msg.hash.map(({ id, path }) => {
      try {
        return { id, result: hashContents(contextFor(0, ''), path) };
      } catch (err) {
        return { id, failed: errorOf(err) };
      }
    });
    post({ hashed: replies });
    return;
  }
  const { job, rule, rootFsType } = msg.walk;
  const pieces = pieceWriter((piece) => post({ job: job.id, piece }));
  try {
    runJob(contextFor(rule, rootFsType), job, {
      ...pieces,
      text: (text) => {
        Atomics.add(words, BUFFERED, text.length);
        pieces.text(text);
        waitForRoom(job.id);
      },
      wantsDonation: () => Atomics.load(words, WANT) > 0,
      claimDonation,
      donate: (donated) => post({ donated }),
    });
    post({ done: job.id });
  } catch (err) {
    post({ failed: errorOf(err) });
  }
});
post({ ready: true });

function errorOf(err: unknown): { message: string; code?: string } {
  const e = err as NodeJS.ErrnoException;
  return { message: e.message, code: e.code };
}
