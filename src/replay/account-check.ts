/**
 * After applying: every user and group action of update's installed manifests must still hold
 * in the target (spec/reintegration.md "Files that need more than a copy"). Only what the merge
 * lost is re-applied: a missing row. A row that is there carries the admin's edits (R2), so its
 * fields are never reset to the package's.
 */
import * as fs from 'node:fs';
import { ACCOUNT_DBS, type AccountActionReport, type AccountFiles, type Action, actionKey } from '../ips/index.js';
import { findRecord, loadTables, saveTables } from '../ips/account-tables.js';
import { groupProblems, installGroup } from '../ips/group-action.js';
import { restoreUser } from '../ips/user-action.js';
import { type OpContext, writeTargetFile } from './apply-op.js';
import type { AccountRepair } from './journal.js';
import { lstatOrUndefined, RefusedPathError, type TargetView } from './safe-target.js';

const KINDS = ['passwd', 'shadow', 'group', 'ftpusers'] as const satisfies readonly (keyof AccountFiles)[];

/**
 * Re-adds the groups and users whose rows are missing, as pkg would install them; groups
 * first (pkg's install order), so a re-added user can name a re-added group. Pure.
 */
export function restoreLostAccounts(files: AccountFiles, actions: readonly Action[], today: number): { files: AccountFiles; reports: AccountActionReport[] } {
  const tables = loadTables(files);
  const reports: AccountActionReport[] = [];
  for (const action of [...actions.filter((a) => a.type === 'group'), ...actions.filter((a) => a.type === 'user')]) {
    const name = actionKey(action) ?? '';
    if (action.type === 'group') {
      if (findRecord(tables.group, name)) continue;
      reports.push({ action, name, problems: groupProblems(tables, action), ...installGroup(tables, action) });
    } else {
      const restored = restoreUser(tables, action, today);
      if (restored) reports.push({ action, name, ...restored });
    }
  }
  return { files: saveTables(tables), reports };
}

/** The account files of the target ('' when missing); refused when one is not a regular file. */
function readAccountFiles(read: (path: string) => string | undefined): AccountFiles {
  return Object.fromEntries(KINDS.map((kind) => [kind, read(pathOf(kind)) ?? ''])) as unknown as AccountFiles;
}

const pathOf = (kind: keyof AccountFiles): string => `/${ACCOUNT_DBS[kind].path}`;

/** The account check's changes to the target, decided (not written). */
export function planAccountRepair(actions: readonly Action[], today: number, ctx: OpContext): AccountRepair {
  const before = readAccountFiles((path) => {
    const { real, st } = regularFile(path, ctx);
    return st && fs.readFileSync(real, 'latin1');
  });
  const { files, reports } = restoreLostAccounts(before, actions, today);
  return { files: Object.fromEntries(KINDS.filter((kind) => files[kind] !== before[kind]).map((kind) => [kind, files[kind]])), reports };
}

/** Writes a repair; idempotent, so a resume writes the journaled repair again. */
export function writeAccountRepair(repair: AccountRepair, ctx: OpContext): void {
  for (const kind of KINDS) {
    const text = repair.files[kind];
    if (text === undefined) continue;
    const { st } = regularFile(pathOf(kind), ctx);
    // A new file gets what illumos ships: root:sys, shadow readable by root only.
    const meta = st ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : { mode: kind === 'shadow' ? 0o400 : 0o644, uid: 0, gid: 3 };
    writeTargetFile(pathOf(kind), text, meta, ctx);
  }
}

function regularFile(path: string, ctx: OpContext) {
  const real = ctx.target.check(path);
  const st = lstatOrUndefined(real);
  if (st && !st.isFile()) throw new RefusedPathError(path, 'not a regular file');
  return { real, st };
}

/** What the account check would re-apply on the target the dry run predicts (`view`), writing nothing. */
export function predictAccounts(actions: readonly Action[], today: number, view: TargetView): AccountActionReport[] {
  return restoreLostAccounts(readAccountFiles((path) => view.readFile(path)), actions, today).reports;
}
