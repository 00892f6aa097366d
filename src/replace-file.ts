/**
 * Replaces a file atomically: a temporary file beside it is written, given its mode (and
 * owner), fsynced and renamed over the old one, so a crash or a reader (GRUB, a second
 * preupd, an admin's editor) sees the old file or the new one, never a torn one.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface ReplaceOptions {
  /** The file's permission bits (fchmod, so the umask does not narrow them). */
  readonly mode: number;
  /** The owner to keep, e.g. the replaced file's. */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** Also fsync the directory, so the rename itself survives a crash. */
  readonly syncDirectory?: boolean;
}

export async function replaceFile(path: string, data: string | Uint8Array, options: ReplaceOptions): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.preupd-${process.pid}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    // chown first: it may clear set-id bits that chmod then sets.
    if (options.owner) await handle.chown(options.owner.uid, options.owner.gid);
    await handle.chmod(options.mode);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw err;
  }
  if (!options.syncDirectory) return;
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
