/**
 * The input checks `preupd manifest compare` adds to bart's reading (bart itself compares
 * whatever it gets): an entry line must have the field count of its type and valid octal
 * escapes, and both manifests must use the same content hash. What bart accepts and the
 * format allows (comment or blank lines between entries, runs of blanks, a last line
 * without newline) stays accepted.
 */
import { parseHeader } from '../manifest/format.js';

const TYPES = 'FDLPSBCO-';
// Types with a last field (contents, dest, devnode): 9 fields, the others 8.
const NINE_FIELDS = 'FLBC';
const BACKSLASH = 0x5c;

function isBlank(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** Index of the end of a valid `\ooo` at `i`, or -1 (bart writes `\` + three octal digits). */
function octalEscapeEnd(bytes: Uint8Array, i: number, end: number): number {
  if (i + 3 >= end) return -1;
  const [a, b, c] = [bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!];
  const ok = a >= 0x30 && a <= 0x33 && b >= 0x30 && b <= 0x37 && c >= 0x30 && c <= 0x37;
  return ok ? i + 3 : -1;
}

/**
 * What is wrong with the entry line `bytes[start, end)`, or undefined. Perf: one pass over
 * the bytes, no strings unless the line is bad; it runs on every line of both manifests.
 */
export function entryLineProblem(bytes: Uint8Array, start: number, end: number): string | undefined {
  const first = bytes[start];
  if (first === 0x23 /* # */ || first === 0x21 /* ! */) return undefined;
  let fields = 0;
  let inField = false;
  let type = -1;
  let typeLength = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (isBlank(b)) {
      inField = false;
      continue;
    }
    if (!inField) {
      inField = true;
      fields++;
    }
    if (fields === 2) {
      type = b;
      typeLength++;
    } else if (b === BACKSLASH && (fields === 1 || (fields === 9 && type === 0x4c /* L */))) {
      const stop = octalEscapeEnd(bytes, i, end);
      if (stop < 0) {
        const text = Buffer.from(bytes.subarray(i, Math.min(i + 4, end))).toString('latin1');
        return `bad octal escape '${text}'`;
      }
      i = stop;
    }
  }
  if (fields === 0) return undefined;
  const letter = String.fromCharCode(type);
  if (typeLength !== 1 || !TYPES.includes(letter)) {
    return `unknown entry type '${Buffer.from(bytes.subarray(start, end)).toString('latin1').split(/\s+/)[1] ?? ''}'`;
  }
  const expected = NINE_FIELDS.includes(letter) ? 9 : 8;
  return fields === expected ? undefined : `${fields} fields, ${letter} lines have ${expected}`;
}

/** The content hash a manifest's header declares (Version 1.0 is MD5); undefined if none. */
export function declaredHash(headerLines: readonly string[]): string | undefined {
  try {
    return parseHeader(headerLines).hash.toUpperCase();
  } catch {
    return undefined;
  }
}
