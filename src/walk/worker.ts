/** A walking thread: lists directories on request (see pool.ts for the protocol). */
import { parentPort, workerData } from 'node:worker_threads';
import { contextFactory, type WalkSettings } from './context.js';
import { listDirectory } from './list-dir.js';
import { nodeWalkFs } from './walk-fs.js';
import type { PoolRequest, PoolReply } from './pool.js';

const contextFor = await contextFactory(workerData as WalkSettings, nodeWalkFs);
parentPort!.on('message', (req: PoolRequest) => {
  let reply: PoolReply;
  try {
    const ctx = contextFor(req.rule, req.rootFsType);
    reply = { id: req.id, listing: listDirectory(ctx, req.dir, req.dev) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { id: req.id, error: { message: e.message, code: e.code } };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ id: -1 } satisfies PoolReply);
