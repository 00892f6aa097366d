import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { replaceFile } from './replace-file.js';

const dir = mkdtempSync(join(tmpdir(), 'preupd-replace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('replaces the file with exactly the mode asked for, and leaves no temporary file', async () => {
  const path = join(dir, 'state.json');
  writeFileSync(path, 'old', { mode: 0o644 });
  await replaceFile(path, Buffer.from([0xe9, 0x0a]), { mode: 0o640, syncDirectory: true });
  expect(readFileSync(path)).toEqual(Buffer.from([0xe9, 0x0a]));
  expect(statSync(path).mode & 0o7777).toBe(0o640);
  await replaceFile(join(dir, 'new'), 'text', { mode: 0o2755, owner: { uid: process.getuid!(), gid: process.getgid!() } });
  expect(statSync(join(dir, 'new')).mode & 0o7777).toBe(0o2755);
  expect(readdirSync(dir).sort()).toEqual(['new', 'state.json']);
});

it('fails without touching what is there, nor leaving its temporary file', async () => {
  const sub = join(dir, 'sub');
  mkdirSync(join(sub, 'a directory'), { recursive: true });
  await expect(replaceFile(join(sub, 'a directory'), 'x', { mode: 0o600 })).rejects.toThrow(/EISDIR/);
  expect(readdirSync(sub)).toEqual(['a directory']);
  expect(readdirSync(join(sub, 'a directory'))).toEqual([]);
});
