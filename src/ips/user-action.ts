import { type Action, attr, attrList } from './action.js';
import { type Tables, findRecord, loadTables, mismatch, nextFreeId, putRecord, records, removeRecord, saveTables } from './account-tables.js';

/**
 * pkg's `user.py` (pkg5(OI)) over /etc/passwd, /etc/shadow, /etc/group and
 * /etc/ftpd/ftpusers. A user is seen as pkg sees it: one set of fields across the files.
 */

const PASSWD = ['username', 'password', 'uid', 'gid', 'gcos-field', 'home-dir', 'login-shell'];
const SHADOW = ['username', 'password', 'lastchg', 'min', 'max', 'warn', 'inactive', 'expire', 'flag'];
/** pkg's string defaults (`cfgfiles.py`); uid and lastchg are computed instead. */
const DEFAULTS: Readonly<Record<string, string>> = {
  password: '*LK*', 'gcos-field': '& User', 'home-dir': '/', 'login-shell': '',
  min: '', max: '', warn: '', inactive: '', expire: '', flag: '',
};
/** Fields where the value on disk is kept, but only for a user-settable password. */
const USE_EXISTING = new Set(['password', 'lastchg', 'min', 'max', 'expire', 'flag', 'warn', 'inactive']);
const MUTABLE_PASSWORDS = new Set(['UP', '']);
/** Not checked unless the action sets them: pkg picks or changes them itself. */
const DYNAMIC = new Set(['uid', 'lastchg', 'login-shell', 'flag']);
const CHECKED = ['password', 'uid', 'group', 'gcos-field', 'home-dir', 'login-shell', 'ftpuser', ...SHADOW.slice(2)];

/** The user's fields as found on disk, or undefined when /etc/passwd has no row. */
function userOnDisk(tables: Tables, name: string): Map<string, string> | undefined {
  const row = findRecord(tables.passwd, name);
  if (!row) return undefined;
  const fields = new Map(PASSWD.map((column, i) => [column, row[i] ?? '']));
  const shadow = findRecord(tables.shadow, name);
  if (shadow) SHADOW.forEach((column, i) => fields.set(column, shadow[i] ?? ''));
  const primary = records(tables.group).find((g) => g[2] === fields.get('gid'));
  if (primary) fields.set('group', primary[0] ?? '');
  const groups = memberOf(tables, name);
  if (groups.length > 0) fields.set('group-list', groups.join(','));
  fields.set('ftpuser', findRecord(tables.ftpusers, name) ? 'false' : 'true');
  return fields;
}

function memberOf(tables: Tables, name: string): string[] {
  return records(tables.group).filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => g[0] ?? '').sort();
}

/** What `pkg verify` would say is wrong; empty when the user holds as the action says. */
export function userProblems(tables: Tables, action: Action): string[] {
  const name = attr(action, 'username') ?? '';
  const disk = userOnDisk(tables, name);
  if (!disk) return [mismatch('username', undefined, name)];
  const mutable = MUTABLE_PASSWORDS.has(attr(action, 'password') ?? DEFAULTS.password ?? '');
  const problems: string[] = [];
  for (const field of CHECKED) {
    const wanted = attr(action, field);
    if (wanted === undefined && DYNAMIC.has(field)) continue;
    // A human's account: password and aging are theirs to change.
    if (mutable && USE_EXISTING.has(field)) continue;
    const expected = wanted ?? DEFAULTS[field] ?? (field === 'ftpuser' ? 'true' : '');
    if (disk.get(field) !== expected) problems.push(mismatch(field, disk.get(field), expected));
  }
  const groups = (disk.get('group-list') ?? '').split(',');
  const missing = attrList(action, 'group-list').filter((g) => !groups.includes(g));
  if (missing.length > 0) problems.push(`group-list: '${disk.get('group-list') ?? ''}' lacks '${missing.join(',')}'`);
  return problems;
}

/**
 * Re-applies the action as `user.py` install does with the action itself as the installed
 * version: fields the action sets win; password and aging keep the disk's values only for
 * a user-settable password (`UP` or empty); an unset uid keeps the disk's; group lists are
 * the union of action and disk. Returns why pkg would refuse, or notes; mutates `tables`.
 */
export function installUser(tables: Tables, action: Action, today: number): { applied: boolean; notes: string[] } {
  const name = attr(action, 'username') ?? '';
  const refuse = (note: string) => ({ applied: false, notes: [note] });
  const groupName = attr(action, 'group') ?? '';
  const gid = findRecord(tables.group, groupName)?.[2];
  if (gid === undefined) return refuse(`${groupName || 'None'} is an unknown or invalid group`);
  const uid = attr(action, 'uid');
  const holders = records(tables.passwd).filter((f) => uid !== undefined && f[2] === uid).map((f) => f[0] ?? '');
  if (holders.length > 0 && !holders.includes(name)) {
    return refuse(`User named '${name}' cannot be installed. Requested UID number '${uid}' is already occupied by ${holders.join(', ')}.`);
  }

  const out = new Map(Object.entries(DEFAULTS));
  for (const field of [...PASSWD, ...SHADOW, 'ftpuser']) {
    const value = attr(action, field);
    if (value !== undefined) out.set(field, value);
  }
  out.set('gid', gid);
  const installed = new Map([...Object.entries(DEFAULTS), ['ftpuser', 'true'], ...out]);
  const disk = userOnDisk(tables, name) ?? new Map<string, string>();
  const mutable = MUTABLE_PASSWORDS.has(out.get('password') ?? '');
  for (const [field, value] of disk) {
    if (field === 'group-list' || (out.has(field) && !USE_EXISTING.has(field)) || installed.get(field) === value) continue;
    if (field === 'uid' && !out.has('uid')) out.set('uid', value);
    else if (mutable) out.set(field, value);
  }
  const newUid = out.get('uid') ?? nextFreeId(tables.passwd, 2);
  if (newUid === undefined) return refuse('No free system uids');
  out.set('uid', newUid);
  if (!out.has('lastchg')) out.set('lastchg', String(today));
  const bad = [...out].find(([, v]) => /[:\n]/.test(v));
  if (bad) return refuse(`${bad[0]}: '${bad[1]}' cannot be written to a ':'-separated file`);

  putRecord(tables.passwd, PASSWD.map((f) => (f === 'password' ? 'x' : (f === 'username' ? name : out.get(f) ?? ''))));
  putRecord(tables.shadow, SHADOW.map((f) => (f === 'username' ? name : out.get(f) ?? '')));
  if ((out.get('ftpuser') ?? 'true') === 'true') removeRecord(tables.ftpusers, name);
  else if (!findRecord(tables.ftpusers, name)) putRecord(tables.ftpusers, [name]);
  return { applied: true, notes: joinGroups(tables, name, attrList(action, 'group-list')) };
}

/**
 * Puts back the rows of a user that a merge lost (spec/reintegration.md "Files that need more
 * than a copy"): a missing passwd or shadow row is written as installUser would write it. A row
 * that is there is the admin's and stays as it is, fields, ftpusers and group memberships
 * included (illumos.md §3: local edits to a package user survive). Undefined when no row is
 * missing; mutates `tables`.
 */
export function restoreUser(tables: Tables, action: Action, today: number): { problems: string[]; applied: boolean; notes: string[] } | undefined {
  const name = attr(action, 'username') ?? '';
  const passwd = findRecord(tables.passwd, name);
  const shadow = findRecord(tables.shadow, name);
  if (passwd && shadow) return undefined;
  const problems = [...(passwd ? [] : [mismatch('username', undefined, name)]), ...(shadow ? [] : [mismatch('shadow', undefined, name)])];
  // Installed on a copy: only the missing rows are taken from what pkg would write.
  const scratch = loadTables(saveTables(tables));
  const { applied, notes } = installUser(scratch, action, today);
  if (!applied) return { problems, applied, notes };
  if (!shadow) putRecord(tables.shadow, findRecord(scratch.shadow, name) ?? []);
  if (!passwd) {
    putRecord(tables.passwd, findRecord(scratch.passwd, name) ?? []);
    tables.ftpusers.lines = scratch.ftpusers.lines;
    tables.group.lines = scratch.group.lines;
  }
  return { problems, applied, notes };
}

/** Adds the user to each listed group; never removes (the union rule). */
function joinGroups(tables: Tables, name: string, groups: readonly string[]): string[] {
  const notes: string[] = [];
  for (const group of groups) {
    const row = findRecord(tables.group, group);
    // pkg would write an inert row without a gid; leave that to the admin instead.
    if (!row) notes.push(`group-list: group '${group}' does not exist`);
    else {
      const members = (row[3] ?? '').split(',').filter((m) => m !== '');
      if (!members.includes(name)) putRecord(tables.group, [...row.slice(0, 3), [...members, name].join(',')]);
    }
  }
  return notes;
}
