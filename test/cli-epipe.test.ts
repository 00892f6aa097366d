/**
 * A reader that goes away (`preupd diff a b | head`): preupd stops quietly and exits 141, what
 * the shell shows for bart or diff killed by SIGPIPE, never 0 as if there were no
 * differences. Built CLI, real directories.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PREUPD, scratchDir } from './real-tree.js';

const scratch = scratchDir('preupd-epipe-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(scratch, 'control'));
  mkdirSync(join(scratch, 'test'));
  // A report of ~3 MB, so the writer meets the closed end: more than a pipe holds, and more
  // than the socket pair Node gives a child for stdout holds (200 KB or so there: a report
  // of 250 KB was sometimes taken whole, and diff exited 1).
  const long = 'x'.repeat(200);
  for (let i = 0; i < 12_000; i++) writeFileSync(join(scratch, 'control', `file-${long}-${i}`), '');
});

/** Runs preupd, reading `keep` bytes of its output (all when undefined) before closing the pipe. */
function run(args: string[], keep?: number): Promise<{ status: number | null; read: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PREUPD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let read = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (keep !== undefined && read >= keep) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, read, stderr }));
  });
}

it.each([
  ['diff', ['diff', 'control', 'test'], 1],
  ['manifest create', ['manifest', 'create', '-R', 'control'], 0],
])('%s: a closed pipe gives 141 and no message; read to the end, the usual status', async (_, args, usual) => {
  const paths = args.map((a) => (a === 'control' || a === 'test' ? join(scratch, a) : a));
  const whole = await run(paths);
  expect(whole.read).toBeGreaterThan(2 << 20);
  expect(whole.status).toBe(usual);
  const cut = await run(paths, 1);
  expect(cut.status).toBe(141);
  expect(cut.stderr).toBe('');
});
