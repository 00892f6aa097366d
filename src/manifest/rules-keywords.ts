/**
 * Rules attribute keywords and their bits (bart.h, lutbl.c; spec/bart.md §4.1), and compare's
 * `-i` list.
 */

export const ATTR = {
  contents: 0x1,
  type: 0x2,
  size: 0x4,
  mode: 0x8,
  uid: 0x10,
  gid: 0x20,
  acl: 0x40,
  dest: 0x80,
  devnode: 0x100,
  mtime: 0x200,
  lnmtime: 0x400,
  dirmtime: 0x800,
  add: 0x1000,
  delete: 0x2000,
  all: 0xffffffff,
} as const;

export type AttrKeyword = keyof typeof ATTR;

/** compare's starting flags: everything but dirmtime (compare.c init_default_flags). */
export const COMPARE_DEFAULT_FLAGS = (ATTR.all & ~ATTR.dirmtime) >>> 0;

/** attr_keylookup(): case-insensitive (strcasecmp), the bits or undefined. */
export function lookupKeyword(word: string): number | undefined {
  const key = word.toLowerCase();
  return Object.hasOwn(ATTR, key) ? ATTR[key as AttrKeyword] : undefined;
}

/**
 * compare's `-i k1,k2` (process_glob_ignores): clears each keyword's bits; empty items are
 * skipped (strtok); an unknown word yields bart's message and is otherwise ignored.
 */
export function parseKeywordList(list: string, flags: number): { flags: number; messages: string[] } {
  const messages: string[] = [];
  for (const word of list.split(',')) {
    if (word === '') continue;
    const bits = lookupKeyword(word);
    if (bits === undefined) messages.push(`ERROR: Invalid keyword ${word}\n`);
    else flags = (flags & ~bits) >>> 0;
  }
  return { flags, messages };
}
