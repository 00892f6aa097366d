import { type AccountDbKind, type DbLine, formatAccountDb, parseAccountDb, recordLine } from './account-db.js';

/** The texts of the files user and group actions edit ('' for a missing file; latin1 keeps bytes). */
export interface AccountFiles {
  readonly passwd: string;
  readonly shadow: string;
  readonly group: string;
  readonly ftpusers: string;
}

type TableKind = keyof AccountFiles & AccountDbKind;
const TABLE_KINDS: readonly TableKind[] = ['passwd', 'shadow', 'group', 'ftpusers'];

/** A database being edited the way pkg's `cfgfiles.py` edits it: rows replaced in place, new rows appended. */
export interface Table {
  readonly kind: TableKind;
  lines: DbLine[];
  finalNewline: boolean;
}

export type Tables = Readonly<Record<TableKind, Table>>;

export function loadTables(files: AccountFiles): Tables {
  const load = (kind: TableKind): Table => {
    const db = parseAccountDb(kind, files[kind]);
    return { kind, lines: [...db.lines], finalNewline: db.finalNewline };
  };
  return { passwd: load('passwd'), shadow: load('shadow'), group: load('group'), ftpusers: load('ftpusers') };
}

export function saveTables(tables: Tables): AccountFiles {
  const [passwd, shadow, group, ftpusers] = TABLE_KINDS.map((kind) => formatAccountDb(tables[kind])) as [string, string, string, string];
  return { passwd, shadow, group, ftpusers };
}

export function records(table: Table): Array<readonly string[]> {
  return table.lines.flatMap((line) => (line.kind === 'record' ? [line.fields] : []));
}

export function findRecord(table: Table, key: string): readonly string[] | undefined {
  return records(table).find((fields) => fields[0] === key);
}

/** Replaces the row with the same key where it stands, or appends it (pkg ends every row with a newline). */
export function putRecord(table: Table, fields: readonly string[]): void {
  const line = recordLine(table.kind, fields);
  const at = table.lines.findIndex((l) => l.kind === 'record' && l.key === fields[0]);
  if (at >= 0) {
    table.lines[at] = line;
    return;
  }
  if (table.lines.length === 0) table.finalNewline = true;
  table.lines.push(line);
}

export function removeRecord(table: Table, key: string): void {
  table.lines = table.lines.filter((l) => !(l.kind === 'record' && l.key === key));
}

/** The first id below 100 no row uses (pkg's `getnextuid`/`getnextgid`), if any. */
export function nextFreeId(table: Table, column: number): string | undefined {
  const used = new Set(records(table).map((fields) => fields[column]));
  for (let id = 0; id < 100; id++) if (!used.has(String(id))) return String(id);
  return undefined;
}

/** A difference worded as pkg's `verify` words it: `uid: '30' should be '25'`. */
export function mismatch(field: string, found: string | undefined, expected: string): string {
  return `${field}: '${found ?? '<missing>'}' should be '${expected === '' ? '<empty>' : expected}'`;
}
