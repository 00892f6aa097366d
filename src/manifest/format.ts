/**
 * The BART manifest text format (spec/bart.md §2): header, entry lines, name quoting.
 * Lines are byte strings (see entry.ts); callers write them with the 'latin1' encoding.
 */
import { ENTRY_TYPES, hex32, int32, type EntryType, type ManifestEntry } from './entry.js';

export type HashAlgorithm = 'md5' | 'sha256' | 'xxh64';

/** What the `! Hash` line says for each algorithm; MD5 manifests have no such line. */
const HASH_LINE: Record<HashAlgorithm, string | undefined> = {
  md5: undefined,
  sha256: 'SHA256',
  xxh64: 'XXH64',
};

const FORMAT_LINES =
  '# Format:\n' +
  '#fname D size mode acl dirmtime uid gid\n' +
  '#fname P size mode acl mtime uid gid\n' +
  '#fname S size mode acl mtime uid gid\n' +
  '#fname F size mode acl mtime uid gid contents\n' +
  '#fname L size mode acl lnmtime uid gid dest\n' +
  '#fname B size mode acl mtime uid gid devnode\n' +
  '#fname C size mode acl mtime uid gid devnode\n';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/** `strftime("%A, %B %d, %Y (%T)")` in the C locale, local time of the process' TZ. */
export function formatManifestDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getDay()]}, ${MONTHS[date.getMonth()]} ${two(date.getDate())}, ` +
    `${date.getFullYear()} (${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())})`
  );
}

/**
 * The ten (or eleven) header lines. MD5 manifests are `! Version 1.0`, as illumos writes
 * them; any other hash gets Solaris 11's `! Version 1.1` + `! Hash NAME`.
 */
export function formatHeader(hash: HashAlgorithm, date: Date): string {
  const hashName = HASH_LINE[hash];
  const version = hashName ? `! Version 1.1\n! Hash ${hashName}\n` : '! Version 1.0\n';
  return `${version}! ${formatManifestDate(date)}\n${FORMAT_LINES}`;
}

// The seven bytes bart writes as `\ooo` (spec/bart.md §2.4); everything else is copied raw.
const SPECIAL = /[ *\n?[\\\t]/g;
const OCTAL: Record<string, string> = {
  ' ': '\\040', '*': '\\052', '\n': '\\012', '?': '\\077', '[': '\\133', '\\': '\\134', '\t': '\\011',
};

export function escapeName(name: string): string {
  return name.replace(SPECIAL, (c) => OCTAL[c]!);
}

/**
 * Reverses escapeName. Any `\ooo` is accepted (bart never unescapes, so hand-made manifests
 * may escape other bytes); a backslash not followed by three octal digits is an error.
 */
export function unescapeName(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(.{0,3})/gs, (_m, digits: string) => {
    if (!/^[0-3][0-7][0-7]$/.test(digits)) throw new Error(`bad octal escape '\\${digits}'`);
    return String.fromCharCode(parseInt(digits, 8));
  });
}

// Perf: a tree has few distinct modes.
const octalCache = new Map<number, string>();
function octal(mode: number): string {
  let text = octalCache.get(mode);
  if (text === undefined) octalCache.set(mode, (text = mode.toString(8)));
  return text;
}

/** create's buffer for the quoted link target, NUL excluded (spec/bart.md §2.3). */
export const DEST_CAP = 1023;

/**
 * A symlink's target as its last field: quoted as names are, then cut to DEST_CAP bytes as
 * bart does, which can leave a partial escape at the end. An empty target prints as `\000`
 * (the C string is empty, bart's quoting emits NUL).
 */
export function destField(dest: string | undefined, cap = DEST_CAP): string {
  return dest === undefined ? '-' : dest === '' ? '\\000' : escapeName(dest).slice(0, cap);
}

// A `\ooo` cut short by DEST_CAP; every backslash of quoted text starts an escape.
const PARTIAL_ESCAPE_AT_END = /\\(?:[0-3][0-7]?)?$/;

/**
 * Reverses destField. The byte a partial escape stood for is unknown, so the target read
 * back ends before it; elsewhere a partial escape is an error, as in names.
 */
function parseDest(field: string): string | undefined {
  if (field === '-') return undefined;
  if (field === '\\000') return '';
  return unescapeName(field.length === DEST_CAP ? field.replace(PARTIAL_ESCAPE_AT_END, '') : field);
}

/** The last field of a line of this entry's type, if it has one. */
function lastField(e: ManifestEntry): string | undefined {
  switch (e.type) {
    case 'F':
      return e.contents ?? '-';
    case 'L':
      // The entry's whole target (reintegration fingerprints entries by these lines).
      return destField(e.dest, Infinity);
    case 'B':
    case 'C':
      return hex32(e.devnode ?? 0);
    default:
      return undefined;
  }
}

/** One entry line without its newline (spec/bart.md §2.2); a link's target is not cut (destField). */
export function formatEntryLine(e: ManifestEntry): string {
  return formatLine(escapeName(e.name), e.type, e.size, e.mode, e.acl, e.mtime, e.uid, e.gid, lastField(e));
}

/**
 * formatEntryLine from fields, the name already escaped; numbers wrap to int32 as in C.
 * Perf: join() makes one flat string; template concatenation made rope strings that every
 * young-generation collection had to copy piece by piece while lines waited for output.
 */
export function formatLine(
  escapedName: string,
  type: EntryType,
  size: number,
  mode: number,
  acl: string,
  mtime: number,
  uid: number,
  gid: number,
  last: string | undefined,
): string {
  const fields = [escapedName, type, int32(size), octal(mode), acl, hex32(mtime), int32(uid), int32(gid)];
  if (last !== undefined) fields.push(last);
  return fields.join(' ');
}

const FIELDS_BY_TYPE = (type: EntryType) => (type === 'F' || type === 'L' || type === 'B' || type === 'C' ? 9 : 8);

function parseInt32(text: string, what: string): number {
  if (!/^-?\d{1,10}$/.test(text)) throw new Error(`bad ${what} '${text}'`);
  return int32(Number(text));
}

function parseHex32(text: string, what: string): number {
  if (!/^[0-9a-f]{1,8}$/i.test(text)) throw new Error(`bad ${what} '${text}'`);
  return int32(parseInt(text, 16));
}

/**
 * Parses one entry line (no newline). Numbers come back as the int32 values the text holds
 * (a 3 GiB size reads as -1073741824); mtime and devnode as signed 32-bit too.
 * Throws an Error saying what is wrong; the caller adds file and line.
 */
export function parseEntryLine(line: string): ManifestEntry {
  const fields = line.split(' ');
  const type = fields[1] as EntryType;
  if (!ENTRY_TYPES.includes(type)) throw new Error(`unknown entry type '${fields[1] ?? ''}'`);
  const expected = FIELDS_BY_TYPE(type);
  if (fields.length !== expected) {
    throw new Error(`${fields.length} fields, ${type} lines have ${expected}`);
  }
  const [name, , size, mode, acl, mtime, uid, gid, last] = fields as [string, ...string[]];
  if (!/^[0-7]{1,7}$/.test(mode!)) throw new Error(`bad mode '${mode}'`);
  const entry: ManifestEntry = {
    name: unescapeName(name),
    type,
    size: parseInt32(size!, 'size'),
    mode: parseInt(mode!, 8),
    acl: acl!,
    mtime: parseHex32(mtime!, 'mtime'),
    uid: parseInt32(uid!, 'uid'),
    gid: parseInt32(gid!, 'gid'),
  };
  if (type === 'F') {
    if (!/^(-|[0-9a-f]+)$/.test(last!)) throw new Error(`bad contents '${last}'`);
    return { ...entry, contents: last };
  }
  if (type === 'L') {
    return { ...entry, dest: parseDest(last!) };
  }
  if (type === 'B' || type === 'C') return { ...entry, devnode: parseHex32(last!, 'devnode') };
  return entry;
}

export interface ManifestHeader {
  version: '1.0' | '1.1';
  /** The content hash the manifest says it uses; Version 1.0 manifests are MD5. */
  hash: HashAlgorithm | string;
}

/**
 * Reads the leading `!`/`#` lines of a manifest (illumos 1.0, Solaris 11 1.1 with
 * `! Hash NAME` or Oracle's documented `! HASH NAME`, preupd's own).
 */
export function parseHeader(lines: readonly string[]): ManifestHeader {
  const first = lines[0];
  if (first !== '! Version 1.0' && first !== '! Version 1.1') {
    throw new Error(`missing or invalid version line '${first ?? ''}'`);
  }
  const hashLine = lines.find((l) => /^! hash /i.test(l));
  const hash = hashLine ? hashLine.slice(7).trim().toLowerCase() : 'md5';
  return { version: first === '! Version 1.0' ? '1.0' : '1.1', hash };
}
