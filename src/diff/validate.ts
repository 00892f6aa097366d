/**
 * The input checks `preupd manifest compare` adds to bart's reading (bart itself compares
 * whatever it gets): an entry line must have the field count of its type and valid octal
 * escapes, and both manifests must use the same content hash. What bart accepts and the
 * format allows (comment or blank lines between entries, runs of blanks, a last line
 * without newline) stays accepted.
 */
import { DEST_CAP, parseHeader } from '../manifest/format.js';

const TYPES = 'FDLPSBCO-';
// F and L lines end in contents or dest: 9 fields; B/C see DEVICES; the others have 8.
const NINE_FIELDS = 'FL';
// B/C lines end in a devnode, but Solaris 10-era bart wrote none (spec/bart.md §0): 8 or 9.
const DEVICES = 'BC';
const BACKSLASH = 0x5c;

/**
 * Fields are checked as create wrote them: separated by spaces (runs of blanks accepted).
 * \v \f \r are bytes of a name or link target (create writes them raw, as bart does);
 * compare's own reading still splits on them, as bart's does (fields.ts).
 */
function isSeparator(b: number): boolean {
  return b === 0x20 || b === 0x09;
}

const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** Index of the end of a valid `\ooo` at `i`, or -1 (bart writes `\` + three octal digits). */
function octalEscapeEnd(bytes: Uint8Array, i: number, end: number): number {
  if (i + 3 >= end) return -1;
  const [a, b, c] = [bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
  const ok = a >= 0x30 && a <= 0x33 && b >= 0x30 && b <= 0x37 && c >= 0x30 && c <= 0x37;
  return ok ? i + 3 : -1;
}

/** Whether `bytes[i, end)` can begin an escape: at most two digits, a valid `\\ooo` prefix. */
function isEscapePrefix(bytes: Uint8Array, i: number, end: number): boolean {
  if (end - i > 2) return false;
  const digit = (j: number, max: number) => j >= end || (bytes[j]! >= 0x30 && bytes[j]! <= max);
  return digit(i, 0x33) && digit(i + 1, 0x37);
}

/**
 * End of the dest field starting at `start` whose first bad escape is at `at`, or -1 - at
 * as fieldEnd. create cuts the quoted target to DEST_CAP bytes (§2.3), which can leave a
 * partial escape at the end: only there, and only in a field of exactly that length.
 */
function cappedDestEnd(bytes: Uint8Array, start: number, at: number, end: number): number {
  const stop = fieldEnd(bytes, start, end, false);
  return stop - start === DEST_CAP && isEscapePrefix(bytes, at + 1, stop) ? stop : -1 - at;
}

/** End of the field starting at `i`; with `escapes`, every `\\` must start a valid `\\ooo`. */
function fieldEnd(bytes: Uint8Array, i: number, end: number, escapes: boolean): number {
  // Perf: printable bytes (> 0x20) are the common case and cost one comparison; the loop
  // without escapes runs over the long ACL field (1M lines of 384 bytes: about 650 → 400 ms).
  if (!escapes) {
    for (; i < end; i++) if (bytes[i]! <= 0x20 && isSeparator(bytes[i]!)) return i;
    return end;
  }
  for (; i < end; i++) {
    const b = bytes[i]!;
    if (b === BACKSLASH) {
      const stop = octalEscapeEnd(bytes, i, end);
      if (stop < 0) return -1 - i;
      i = stop;
    } else if (b <= 0x20 && isSeparator(b)) return i;
  }
  return end;
}

/**
 * What is wrong with the entry line `bytes[start, end)`, or undefined. Fields are split on
 * blanks as bart splits them. Perf: no strings unless the line is bad; this runs on every
 * line that is not byte-identical to the other manifest's current line.
 */
export function entryLineProblem(bytes: Uint8Array, start: number, end: number): string | undefined {
  const first = bytes[start];
  if (first === 0x23 /* # */ || first === 0x21 /* ! */) return undefined;
  let fields = 0;
  let type = '';
  let typeField: [number, number] = [start, start];
  for (let i = start; i < end; ) {
    if (isSeparator(bytes[i]!)) {
      i++;
      continue;
    }
    fields++;
    const dest = fields === 9 && type === 'L';
    let stop = fieldEnd(bytes, i, end, fields === 1 || dest);
    if (stop < 0 && dest) stop = cappedDestEnd(bytes, i, -1 - stop, end);
    if (stop < 0) {
      const at = -1 - stop;
      return `bad octal escape '${Buffer.from(bytes.subarray(at, Math.min(at + 4, end))).toString('latin1')}'`;
    }
    if (fields === 2) {
      typeField = [i, stop];
      // A one-byte string comes from V8's cache: no allocation per line.
      type = stop - i === 1 ? String.fromCharCode(bytes[i]!) : '';
    }
    i = stop;
  }
  if (fields === 0 || onlySpace(bytes, start, end)) return undefined;
  if (type === '' || !TYPES.includes(type)) {
    return `unknown entry type '${Buffer.from(bytes.subarray(...typeField)).toString('latin1')}'`;
  }
  return fieldCountProblem(type, fields);
}

function fieldCountProblem(type: string, fields: number): string | undefined {
  if (DEVICES.includes(type)) {
    return fields === 8 || fields === 9 ? undefined : `${fields} fields, ${type} lines have 8 or 9`;
  }
  const expected = NINE_FIELDS.includes(type) ? 9 : 8;
  return fields === expected ? undefined : `${fields} fields, ${type} lines have ${expected}`;
}

/** A line of blanks only: an entry for bart, which its merge reports or not (not an error). */
function onlySpace(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(bytes[i]!)) return false;
  return true;
}

/** The line of a header's `! Hash` declaration (1-based), else the version line's. */
export function hashLineNumber(headerLines: readonly string[]): number {
  return headerLines.findIndex((l) => /^! hash /i.test(l)) + 1 || 1;
}

/** The content hash a manifest's header declares (Version 1.0 is MD5); undefined if none. */
export function declaredHash(headerLines: readonly string[]): string | undefined {
  try {
    return parseHeader(headerLines).hash.toUpperCase();
  } catch {
    return undefined;
  }
}
