/**
 * Parsers for `zfs`/`zpool` output (spec/illumos.md §8). Pure: text in, values out.
 * `-H` output is one line per row with a single TAB between fields; a user property's value
 * may itself hold a TAB, so the value column absorbs any extra fields.
 */

export interface PropertyValue {
  readonly value: string;
  /** `local`, `default`, `inherited from <ds>`, `received`, `temporary` or `-`. */
  readonly source: string;
}

/** `zfs get -Hp -o name,property,value,source`: dataset name -> property -> value. */
export type PropertyTable = Map<string, Map<string, PropertyValue>>;

/** Rows of `zfs list -H -o <columns>`, keyed by column name; the last column absorbs stray TABs. */
export function parseListOutput(stdout: string, columns: readonly string[]): Record<string, string>[] {
  return splitLines(stdout).map((line) => {
    const fields = line.split('\t');
    if (fields.length < columns.length) throw new Error(`expected ${columns.length} fields: ${JSON.stringify(line)}`);
    const extra = fields.length - columns.length;
    const last = columns.length - 1;
    const row: Record<string, string> = {};
    columns.forEach((column, i) => {
      row[column] = i < last ? fields[i]! : fields.slice(i, i + 1 + extra).join('\t');
    });
    return row;
  });
}

/** `zfs get -Hp -o name,property,value,source ...`. */
export function parseGetOutput(stdout: string): PropertyTable {
  const table: PropertyTable = new Map();
  for (const line of splitLines(stdout)) {
    const fields = line.split('\t');
    if (fields.length < 4) throw new Error(`expected name, property, value, source: ${JSON.stringify(line)}`);
    const [name, property] = fields as [string, string];
    const value = fields.slice(2, -1).join('\t');
    const source = fields[fields.length - 1]!;
    let props = table.get(name);
    if (props === undefined) table.set(name, (props = new Map()));
    props.set(property, { value, source });
  }
  return table;
}

/**
 * A user property (`module:name`) that is not set anywhere reads as value `-`, source `-`;
 * a set one has a real source, so `-` as a value is then kept.
 */
export function userPropertyValue(entry: PropertyValue | undefined): string | undefined {
  if (entry === undefined || (entry.value === '-' && entry.source === '-')) return undefined;
  return entry.value;
}

/**
 * `zfs list -p` is refused by 2009-era zfs and by zfs-fuse ("invalid option 'p'", exit 2);
 * those builds get exact numbers from `zfs get -Hp` instead.
 */
export function lacksListParsable(status: number, stderr: string): boolean {
  return status === 2 && stderr.includes("invalid option 'p'");
}

/** `cannot open 'x': dataset does not exist` — the one failure `exists()` turns into false. */
export function isDatasetMissing(stderr: string): boolean {
  return /dataset does not exist/.test(stderr);
}

/**
 * `zpool get <prop> <pool>` without -H (old zpool and zfs-fuse have no -H): a header
 * `NAME PROPERTY VALUE SOURCE` and one space-aligned row per pool. Values such as bootfs
 * hold no spaces.
 */
export function parseZpoolGet(stdout: string, property: string): string | undefined {
  for (const line of splitLines(stdout)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === property && fields[0] !== 'NAME') return fields[2] === '-' ? undefined : fields[2];
  }
  return undefined;
}

function splitLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '');
}
