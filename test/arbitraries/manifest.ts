/** fast-check generators for manifest entries (names as byte strings). */
import fc from 'fast-check';
import { ENTRY_TYPES, type EntryType, type ManifestEntry } from '../../src/manifest/entry.js';

const TYPE_BITS: Record<EntryType, number> = {
  F: 0o100000, D: 0o040000, L: 0o120000, P: 0o010000, S: 0o140000, B: 0o060000, C: 0o020000, O: 0o150000, '-': 0,
};

/** One byte as a latin1 char, biased towards the bytes bart escapes and other odd ones. */
const byteCharArb = fc.oneof(
  fc.constantFrom(' ', '*', '\n', '?', '[', '\\', '\t', ']', '#', '!', '\r', '\x01', '\x7f', '\xff', '-', '.', '0'),
  fc.integer({ min: 1, max: 255 }).map((b) => String.fromCharCode(b)),
);

/** A file name: 1..12 bytes, anything but NUL and '/'. */
export const nameSegmentArb = fc
  .array(byteCharArb, { minLength: 1, maxLength: 12 })
  .map((cs) => cs.join('').replace(/\//g, '_'))
  .filter((s) => s !== '.' && s !== '..');

export const pathArb = fc.array(nameSegmentArb, { minLength: 1, maxLength: 4 }).map((segs) => '/' + segs.join('/'));

export const entryArb: fc.Arbitrary<ManifestEntry> = fc
  .record({
    name: pathArb,
    type: fc.constantFrom(...ENTRY_TYPES),
    // Sizes past 2 GiB and 4 GiB, ids past 2^31: the format wraps them to int32.
    size: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 2 ** 31, max: 2 ** 40 })),
    perms: fc.integer({ min: 0, max: 0o7777 }),
    acl: fc.constantFrom('-', 'user::rw-,group::r--,mask:r--,other:r--', 'owner@:read_data:allow'),
    mtime: fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
    uid: fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 2 ** 31, max: 2 ** 32 - 1 })),
    gid: fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 2 ** 31, max: 2 ** 32 - 1 })),
    contents: fc.oneof(fc.constant('-'), fc.stringMatching(/^[0-9a-f]{32}$/)),
    dest: fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.array(byteCharArb, { minLength: 1, maxLength: 20 }).map((cs) => cs.join('')).filter((d) => d !== '-'),
    ),
    devnode: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  })
  .map(({ type, perms, contents, dest, devnode, ...rest }) => {
    const entry: ManifestEntry = { ...rest, type, mode: TYPE_BITS[type] | perms };
    if (type === 'F') return { ...entry, contents };
    if (type === 'L') return { ...entry, dest };
    if (type === 'B' || type === 'C') return { ...entry, devnode };
    return entry;
  });
