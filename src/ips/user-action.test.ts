import { describe, expect, it } from 'vitest';
import { parseAction } from './action-parse.js';
import { type AccountFiles, loadTables, saveTables } from './account-tables.js';
import { restoreUser } from './user-action.js';

const today = 20000;
const svc = parseAction('user username=svc uid=60 group=other home-dir=/var/svc login-shell=/bin/sh password=*LK* group-list=staff');
const files: AccountFiles = {
  passwd: 'root:x:0:0:Super-User:/root:/usr/bin/bash\n',
  shadow: 'root:$5$hash:19000::::::\n',
  group: 'root::0:\nother::1:\nstaff::10:\n',
  ftpusers: '',
};

function restore(input: AccountFiles) {
  const tables = loadTables(input);
  const result = restoreUser(tables, svc, today);
  return { result, files: saveTables(tables) };
}

describe('restoreUser', () => {
  it('installs a user whose rows are all missing as pkg would, and says so', () => {
    const { result, files: out } = restore(files);
    expect(result).toEqual({ problems: ["username: '<missing>' should be 'svc'", "shadow: '<missing>' should be 'svc'"], applied: true, notes: [] });
    expect(out.passwd).toBe(`${files.passwd}svc:x:60:1:& User:/var/svc:/bin/sh\n`);
    expect(out.shadow).toBe(`${files.shadow}svc:*LK*:20000::::::\n`);
    expect(out.group).toBe('root::0:\nother::1:\nstaff::10:svc\n');
  });

  // Bug: the account check re-applied the whole action and reset the admin's home and shell.
  it('leaves a user whose rows are there as the admin edited them', () => {
    const edited = {
      ...files,
      passwd: `${files.passwd}svc:x:60:1:& User:/export/svc:/usr/bin/false\n`,
      shadow: `${files.shadow}svc:*LK*:18000::::::\n`,
    };
    expect(restore(edited)).toEqual({ result: undefined, files: edited });
  });

  it('adds back only a lost shadow row, keeping the admin’s passwd row and groups', () => {
    const edited = { ...files, passwd: `${files.passwd}svc:x:60:1:& User:/export/svc:/usr/bin/false\n` };
    const { result, files: out } = restore(edited);
    expect(result?.problems).toEqual(["shadow: '<missing>' should be 'svc'"]);
    expect(out).toEqual({ ...edited, shadow: `${files.shadow}svc:*LK*:20000::::::\n` });
  });

  it('adds back a lost passwd row, keeping the admin’s shadow row (a password is theirs)', () => {
    const edited = { ...files, shadow: `${files.shadow}svc:$5$adminset:18000::::::\n` };
    const { files: out } = restore(edited);
    expect(out.passwd).toBe(`${files.passwd}svc:x:60:1:& User:/var/svc:/bin/sh\n`);
    expect(out.shadow).toBe(edited.shadow);
  });

  it('changes nothing when pkg would refuse, and says why', () => {
    const { result, files: out } = restore({ ...files, group: 'root::0:\n' });
    expect(result).toMatchObject({ applied: false, notes: ['other is an unknown or invalid group'] });
    expect(out).toEqual({ ...files, group: 'root::0:\n' });
  });
});
