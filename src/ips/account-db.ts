/**
 * The account databases that packages and admins both edit, read and written byte for byte:
 * every line keeps its text and place; only records (the right number of `:` fields) are
 * understood, keyed by their first field (spec/reintegration.md R5.1, pkg `cfgfiles.py`).
 */

export const ACCOUNT_DB_KINDS = ['passwd', 'shadow', 'group', 'ftpusers', 'user_attr', 'project'] as const;
export type AccountDbKind = (typeof ACCOUNT_DB_KINDS)[number];

export interface AccountDbSchema {
  /** Relative to the root, as in manifests. */
  readonly path: string;
  readonly columns: readonly string[];
  /** Comma-separated member lists, merged as sets (account-merge.ts). */
  readonly listColumns: ReadonlySet<string>;
  /** Never shown in reports (spec/reintegration.md "Safety"). */
  readonly secretColumns: ReadonlySet<string>;
  /** `:`, or a space for ftpusers (one column: a line with a space is not a record). */
  readonly separator: string;
  /** user_attr escapes a colon inside a value as `\:` (user_attr(5)). */
  readonly escapedColons: boolean;
}

const none: ReadonlySet<string> = new Set();

export const ACCOUNT_DBS: Readonly<Record<AccountDbKind, AccountDbSchema>> = {
  passwd: schema('etc/passwd', 'username password uid gid gcos-field home-dir login-shell'),
  shadow: {
    ...schema('etc/shadow', 'username password lastchg min max warn inactive expire flag'),
    secretColumns: new Set(['password']),
  },
  group: { ...schema('etc/group', 'groupname password gid user-list'), listColumns: new Set(['user-list']) },
  ftpusers: { ...schema('etc/ftpd/ftpusers', 'username'), separator: ' ' },
  user_attr: { ...schema('etc/user_attr', 'user qualifier res1 res2 attr'), escapedColons: true },
  project: {
    ...schema('etc/project', 'projname projid comment user-list group-list attributes'),
    listColumns: new Set(['user-list', 'group-list']),
  },
};

function schema(path: string, columns: string): AccountDbSchema {
  return { path, columns: columns.split(' '), listColumns: none, secretColumns: none, separator: ':', escapedColons: false };
}

/** A line that is a record, or any other line (comment, NIS `+`/`-`, blank, odd) kept as is. */
export type DbLine =
  | { readonly kind: 'record'; readonly key: string; readonly fields: readonly string[]; readonly text: string }
  | { readonly kind: 'verbatim'; readonly text: string };

export interface AccountDb {
  readonly kind: AccountDbKind;
  readonly lines: readonly DbLine[];
  /** Whether the text ends with a newline (the last line's terminator). */
  readonly finalNewline: boolean;
}

export function parseAccountDb(kind: AccountDbKind, text: string): AccountDb {
  if (text === '') return { kind, lines: [], finalNewline: false };
  const pieces = text.split('\n');
  const finalNewline = pieces.at(-1) === '';
  if (finalNewline) pieces.pop();
  return { kind, lines: pieces.map((line) => parseLine(kind, line)), finalNewline };
}

export function formatAccountDb(db: AccountDb): string {
  if (db.lines.length === 0) return '';
  return db.lines.map((line) => line.text).join('\n') + (db.finalNewline ? '\n' : '');
}

export function parseLine(kind: AccountDbKind, text: string): DbLine {
  const { columns, separator, escapedColons } = ACCOUNT_DBS[kind];
  // pkg's comment pattern for passwd/shadow/group is `[-+]` (NIS); `#` is a comment everywhere.
  if (/^[#+-]/.test(text) || text.trim() === '') return { kind: 'verbatim', text };
  const fields = escapedColons ? splitEscaped(text) : text.split(separator);
  const key = fields[0];
  if (fields.length !== columns.length || key === undefined || key === '') return { kind: 'verbatim', text };
  return { kind: 'record', key, fields, text };
}

/** A record line from its fields; splitting its text gives the same fields back. */
export function recordLine(kind: AccountDbKind, fields: readonly string[]): DbLine {
  const text = fields.join(ACCOUNT_DBS[kind].separator);
  return { kind: 'record', key: fields[0] ?? '', fields, text };
}

function splitEscaped(text: string): string[] {
  // Split on colons not preceded by an odd run of backslashes; the text is kept unchanged.
  const fields: string[] = [];
  let start = 0;
  let slashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ':' && slashes % 2 === 0) {
      fields.push(text.slice(start, i));
      start = i + 1;
    }
    slashes = c === '\\' ? slashes + 1 : 0;
  }
  fields.push(text.slice(start));
  return fields;
}
