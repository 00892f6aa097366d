import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fileOutput } from './output-file.js';

const dir = mkdtempSync(join(tmpdir(), 'preupd-output-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Bug: the handlers were installed when the module loaded, so `reintegrate` (which loads it
// and never writes -o) let ^C and kill wait for its whole synchronous apply, then exited 0.
it('listens for ^C and kill only while a temporary file exists', () => {
  const listening = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
  const idle = listening();
  const committed = fileOutput(dir, 'm');
  expect(listening()).toEqual(idle.map((n) => n + 1));
  const aborted = fileOutput(dir, 'n');
  expect(listening()).toEqual(idle.map((n) => n + 1));
  committed.write('text\n');
  committed.commit();
  expect(listening()).toEqual(idle.map((n) => n + 1));
  aborted.abort();
  expect(listening()).toEqual(idle);
  expect(readdirSync(dir)).toEqual(['m']);
  expect(readFileSync(join(dir, 'm'), 'latin1')).toBe('text\n');
});
