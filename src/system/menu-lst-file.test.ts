import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMenu } from './menu-lst.js';
import { writeMenuFile } from './menu-lst-file.js';

describe('menu.lst replacement', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preupd-menu-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the mode of the file it replaces, and gives a new one 0644, whatever the umask', async () => {
    const path = join(dir, 'menu.lst');
    const umask = process.umask(0o077);
    try {
      await writeMenuFile(path, parseMenu('default 0\n'));
      expect(statSync(path).mode & 0o7777).toBe(0o644);
      chmodSync(path, 0o640);
      await writeMenuFile(path, parseMenu('default 1\n'));
      expect(statSync(path).mode & 0o7777).toBe(0o640);
    } finally {
      process.umask(umask);
    }
  });
});
