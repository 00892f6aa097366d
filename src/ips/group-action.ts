import { type Action, attr } from './action.js';
import { type Tables, findRecord, mismatch, nextFreeId, putRecord, records } from './account-tables.js';

/**
 * pkg's `group.py`, over /etc/group (and /etc/passwd for primary gids). Columns:
 * groupname, password, gid, user-list.
 */

/** What `pkg verify` would say is wrong with the group's row; empty when it holds. */
export function groupProblems(tables: Tables, action: Action): string[] {
  const name = attr(action, 'groupname') ?? '';
  const row = findRecord(tables.group, name);
  if (!row) return [mismatch('groupname', undefined, name)];
  const problems: string[] = [];
  const gid = attr(action, 'gid');
  // A gid pkg picked itself is whatever the row says; only a requested gid is checked.
  if (gid !== undefined && row[2] !== gid) problems.push(mismatch('gid', row[2], gid));
  // pkg has no group passwords and requires the column empty (`group.py`).
  if (row[1] !== '') problems.push(mismatch('password', row[1], ''));
  return problems;
}

/**
 * Installs the group as `group.py` does: an existing row keeps its gid unless the action
 * names one, and keeps its members; a changed gid follows into users' primary gid. Notes say
 * why pkg would refuse (another group holds the gid); mutates `tables`.
 */
export function installGroup(tables: Tables, action: Action): { applied: boolean; notes: string[] } {
  const refuse = (note: string) => ({ applied: false, notes: [note] });
  const name = attr(action, 'groupname') ?? '';
  const wanted = attr(action, 'gid');
  if (wanted !== undefined) {
    const holders = records(tables.group).filter((f) => f[2] === wanted).map((f) => f[0] ?? '');
    if (holders.length > 0 && !holders.includes(name)) {
      return refuse(`Group named '${name}' cannot be installed. Requested GID number '${wanted}' is already occupied by ${holders.join(', ')}.`);
    }
  }
  const row = findRecord(tables.group, name);
  const gid = wanted ?? row?.[2] ?? nextFreeId(tables.group, 2);
  if (gid === undefined) return refuse('No free system gids');
  let password = '';
  if (row && wanted !== undefined && row[2] !== wanted) {
    // pkg rewrites the whole old row here, so its password column survives.
    password = row[1] ?? '';
    movePrimaryGid(tables, row[2] ?? '', wanted);
  }
  putRecord(tables.group, [name, password, gid, row?.[3] ?? '']);
  return { applied: true, notes: [] };
}

function movePrimaryGid(tables: Tables, from: string, to: string): void {
  for (const fields of records(tables.passwd)) {
    if (fields[3] === from) putRecord(tables.passwd, fields.map((f, i) => (i === 3 ? to : f)));
  }
}
