import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACCOUNT_DBS } from './account-db.js';
import type { AccountFiles } from './account-tables.js';
import { ignoreMissing } from './image-layout.js';

/**
 * Reads the files user and group actions edit from an alternate root, '' for a missing one
 * (pkg then creates it). Read as latin1, one char per byte, so a gcos field in any encoding
 * comes back byte for byte when written with latin1. Read-only, like the image reader:
 * writing back belongs to whoever applies the result (src/replay).
 */
export async function readAccountFiles(root: string): Promise<AccountFiles> {
  const read = async (kind: keyof AccountFiles): Promise<string> =>
    (await readFile(join(root, ACCOUNT_DBS[kind].path), 'latin1').catch(ignoreMissing)) ?? '';
  const [passwd, shadow, group, ftpusers] = await Promise.all([read('passwd'), read('shadow'), read('group'), read('ftpusers')]);
  return { passwd, shadow, group, ftpusers };
}
