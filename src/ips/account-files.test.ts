import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAccountFiles } from './account-files.js';
import { applyAccountActions } from './account-actions.js';
import { parseAction } from './action-parse.js';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

describe('readAccountFiles', () => {
  it('reads the four files of a root as bytes, and missing ones as empty', async () => {
    const root = await mkdtemp(join(tmpdir(), 'preupd-ips-acct-'));
    roots.push(root);
    await mkdir(join(root, 'etc'));
    // A Latin-1 gcos field: not UTF-8, and must survive a rewrite of another row.
    const passwd = Buffer.from('jos\xe9:x:100:10:Jos\xe9:/home/jose:\n', 'latin1');
    await writeFile(join(root, 'etc/passwd'), passwd);
    await writeFile(join(root, 'etc/group'), 'staff::10:\n');
    const files = await readAccountFiles(root);
    expect(files.shadow).toBe('');
    expect(files.ftpusers).toBe('');
    const { files: out } = applyAccountActions(files, [parseAction('user username=svc group=staff uid=60')], { today: 1 });
    expect(Buffer.from(out.passwd, 'latin1').subarray(0, passwd.length)).toEqual(passwd);
  });
});
