/**
 * JSON of values holding byte strings (chars 0-255 standing for bytes, as names are read):
 * every char above 0x7e is written as `\u00XX`, so the text is plain ASCII, valid whatever
 * the bytes, and reads back to the same bytes.
 */
export function asciiJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
