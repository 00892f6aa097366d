/** A walking thread: walks chunks of the tree on request (see pool.ts for the protocol). */
import { parentPort, workerData } from 'node:worker_threads';
import { contextFactory, type WalkSettings } from './context.js';
import { walkChunk } from './walk-chunk.js';
import { describeNames, hashContents } from './list-dir.js';
import { nodeWalkFs } from './walk-fs.js';
import type { PoolRequest, PoolReply } from './pool.js';

const contextFor = await contextFactory(workerData as WalkSettings, nodeWalkFs);
parentPort!.on('message', (req: PoolRequest) => {
  let reply: PoolReply;
  try {
    const ctx = contextFor(req.rule, req.rootFsType);
    if (req.hashPath !== undefined) reply = { id: req.id, hashed: hashContents(ctx, req.hashPath) };
    else if (req.names) reply = { id: req.id, described: describeNames(ctx, req.dir, req.dev, req.names) };
    else reply = { id: req.id, chunk: walkChunk(ctx, req) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { id: req.id, error: { message: e.message, code: e.code } };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ id: -1 } satisfies PoolReply);
