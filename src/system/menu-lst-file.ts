import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
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
  const temp = `${path}.preupd-${process.pid}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(formatMenu(menu), 'latin1');
    // open()'s mode is masked by the umask; fchmod is not. chown first: it may clear set-id bits.
    if (old) await handle.chown(old.uid, old.gid);
    await handle.chmod(old ? old.mode & 0o7777 : 0o644);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}
