import { readFile, stat } from 'node:fs/promises';
import { replaceFile } from '../replace-file.js';
import { formatMenu, parseMenu, type Menu } from './menu-lst.js';

/** The menu at `path`, or an empty one when the file does not exist yet. */
export async function readMenuFile(path: string): Promise<Menu> {
  try {
    return parseMenu(await readFile(path, 'latin1'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [] };
    throw err;
  }
}

/**
 * Replaces the menu as libbe does (temp file + rename, keeping mode and owner), so GRUB
 * never reads a half-written menu. latin1 keeps any bytes the file held.
 */
export async function writeMenuFile(path: string, menu: Menu): Promise<void> {
  const old = await stat(path).catch(() => undefined);
  await replaceFile(path, Buffer.from(formatMenu(menu), 'latin1'), { mode: old ? old.mode & 0o7777 : 0o644, ...(old ? { owner: old } : {}) });
}
