import {
  ACCOUNT_DBS, type AccountDb, type AccountDbKind, type DbLine, formatAccountDb, parseAccountDb, recordLine,
} from './account-db.js';
import { mergeOrder } from './sequence-merge.js';

export interface DbConflict {
  readonly key: string;
  /** The column both sides set differently; absent when the whole record is in question. */
  readonly field?: string;
  readonly reason:
    | 'both changed the field'
    | 'both added the record, differently'
    | 'admin deleted it, update changed it'
    | 'update deleted it, admin changed it';
  /** The three values of a field conflict; never given for secret columns. */
  readonly values?: { readonly base?: string; readonly admin?: string; readonly update?: string };
}

export interface DbMergeResult {
  readonly text: string;
  /** Every conflict was resolved with admin's choice (R5.1); listed so it can be reported. */
  readonly conflicts: readonly DbConflict[];
}

/**
 * Three-way merge of an account database, record by record and field by field
 * (spec/reintegration.md R5.1). Records are matched by key (first field); comments, NIS
 * `+`/`-` lines and odd lines by their text, and they keep their place. A side that changed
 * nothing yields the other side's text exactly. Member lists (group `user-list`, project
 * user and group lists) merge as sets, so two admins adding members never conflict.
 */
export function mergeAccountDb(kind: AccountDbKind, base: string, admin: string, update: string): DbMergeResult {
  const [b, a, u] = [base, admin, update].map((text) => withIds(parseAccountDb(kind, text))) as [Ided, Ided, Ided];
  const conflicts: DbConflict[] = [];
  const lines: DbLine[] = [];
  for (const id of mergeOrder(b.ids, a.ids, u.ids)) {
    const line = mergeLine(kind, b.byId.get(id), a.byId.get(id), u.byId.get(id), conflicts);
    if (line) lines.push(line);
  }
  const finalNewline = a.db.finalNewline === b.db.finalNewline ? u.db.finalNewline : a.db.finalNewline;
  return { text: formatAccountDb({ kind, lines, finalNewline }), conflicts };
}

interface Ided {
  readonly db: AccountDb;
  readonly ids: string[];
  readonly byId: Map<string, DbLine>;
}

/** Ids: records by key, other lines by text; the nth repeat of either gets its own id. */
function withIds(db: AccountDb): Ided {
  const seen = new Map<string, number>();
  const ids: string[] = [];
  const byId = new Map<string, DbLine>();
  for (const line of db.lines) {
    const identity = line.kind === 'record' ? `r\0${line.key}` : `v\0${line.text}`;
    const n = seen.get(identity) ?? 0;
    seen.set(identity, n + 1);
    const id = `${identity}\0${n}`;
    ids.push(id);
    byId.set(id, line);
  }
  return { db, ids, byId };
}

function mergeLine(
  kind: AccountDbKind, b: DbLine | undefined, a: DbLine | undefined, u: DbLine | undefined, conflicts: DbConflict[],
): DbLine | undefined {
  if (a && u) return a.text === u.text ? a : mergeRecords(kind, b, a, u, conflicts);
  const kept = a ?? u;
  if (!kept || !b || kept.text === b.text) return b ? undefined : kept;
  // Deleted on one side, changed on the other: admin's choice wins, and is reported.
  conflicts.push({
    key: keyOf(kept),
    reason: a ? 'update deleted it, admin changed it' : 'admin deleted it, update changed it',
  });
  return a;
}

function mergeRecords(kind: AccountDbKind, b: DbLine | undefined, a: DbLine, u: DbLine, conflicts: DbConflict[]): DbLine {
  if (b?.text === a.text) return u;
  if (b?.text === u.text) return a;
  // Same id and different texts: both are records with the same key.
  if (a.kind !== 'record' || u.kind !== 'record') return a;
  const schema = ACCOUNT_DBS[kind];
  const baseFields = b?.kind === 'record' ? b.fields : undefined;
  const fields = schema.columns.map((column, i) => {
    const [bv, av, uv] = [baseFields?.[i], a.fields[i] ?? '', u.fields[i] ?? ''];
    if (av === uv || bv === uv) return av;
    if (bv === av) return uv;
    if (schema.listColumns.has(column)) return mergeMembers(bv ?? '', av, uv);
    conflicts.push({
      key: a.key,
      field: column,
      reason: baseFields ? 'both changed the field' : 'both added the record, differently',
      ...(schema.secretColumns.has(column) ? {} : { values: { ...(bv === undefined ? {} : { base: bv }), admin: av, update: uv } }),
    });
    return av;
  });
  return recordLine(kind, fields);
}

/** Admin's members in admin's order, minus those update removed, plus those update added. */
function mergeMembers(base: string, admin: string, update: string): string {
  const split = (list: string): string[] => list.split(',').filter((m) => m !== '');
  const [b, a, u] = [split(base), split(admin), split(update)];
  const removed = new Set(b.filter((m) => !u.includes(m)));
  const added = u.filter((m) => !b.includes(m) && !a.includes(m));
  return [...a.filter((m) => !removed.has(m)), ...added].join(',');
}

function keyOf(line: DbLine): string {
  return line.kind === 'record' ? line.key : line.text;
}
