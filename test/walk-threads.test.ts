/**
 * The walking threads themselves (the compiled pool from dist/, which `npm test` builds
 * first): jobs donated between two threads, output held back by a small buffer, and batched
 * hash requests must give exactly what a walk in this thread gives.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATTR, defaultCreateRule } from '../dist/manifest/rules.js';
import { hashContents } from '../dist/walk/describe-entry.js';
import { contextFactory } from '../dist/walk/context.js';
import { inThreadPool, workerPool, workersAvailable } from '../dist/walk/pool.js';
import { nodeWalkFs } from '../dist/walk/walk-fs.js';

// A real tree of a few thousand entries of every common kind, present after `npm ci`.
const ROOT = fileURLToPath(new URL('../node_modules', import.meta.url));
const settings = { relocRoot: ROOT, rules: [defaultCreateRule(ROOT, ATTR.contents)], computeChecksum: true, hash: 'xxh64', acl: 'auto' };

interface Pool {
  walk(root: object, rule: number, rootFsType: string, out: object): Promise<number>;
  hash(path: string): Promise<{ contents: string }>;
  close(): Promise<void>;
}

async function walkWith(pool: Pool) {
  const st = nodeWalkFs.lstat(ROOT);
  const blocks: string[] = [];
  const messages: string[] = [];
  try {
    const jobs = await pool.walk({ dir: ROOT, dev: st.dev }, 0, nodeWalkFs.fsType(st.dev, ROOT), {
      text: (b: string[]) => void blocks.push(...b),
      message: (m: string) => void messages.push(m),
    });
    return { text: blocks.join(''), messages, jobs };
  } finally {
    await pool.close();
  }
}

describe.runIf(workersAvailable())('walking threads', () => {
  it('give the bytes of a walk in this thread, with donations and output held back', async () => {
    const alone = await walkWith(await inThreadPool(settings, nodeWalkFs));
    // 4 KiB of output may wait for its turn: threads ahead of the output block often.
    const threads = await walkWith(await workerPool(settings, 2, 4096));
    expect(alone.text.split('\n').length).toBeGreaterThan(1000);
    expect(threads.jobs).toBeGreaterThan(1);
    expect(threads.messages).toEqual(alone.messages);
    expect(threads.text).toBe(alone.text);
  });

  it('answer every one of many hash requests made at once', async () => {
    const lines = (await walkWith(await inThreadPool(settings, nodeWalkFs))).text.split('\n');
    const files = lines.filter((l) => l.split(' ')[1] === 'F' && !l.includes('\\')).slice(0, 500).map((l) => ROOT + l.split(' ')[0]);
    const contextFor = await contextFactory(settings, nodeWalkFs);
    const pool = await workerPool(settings, 2);
    try {
      const hashed = await Promise.all(files.map((f: string) => pool.hash(f)));
      expect(hashed.map((h: { contents: string }) => h.contents)).toEqual(files.map((f: string) => hashContents(contextFor(0, ''), f).contents));
    } finally {
      await pool.close();
    }
  });
});
