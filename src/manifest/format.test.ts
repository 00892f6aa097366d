import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryArb, pathArb } from '../../test/arbitraries/manifest.js';
import { int32, type ManifestEntry } from './entry.js';
import {
  destField,
  escapeName,
  formatEntryLine,
  formatHeader,
  formatManifestDate,
  parseEntryLine,
  parseHeader,
  unescapeName,
} from './format.js';

/** What a manifest line can hold of an entry: numbers wrapped to int32 as bart prints them. */
function asWritten(e: ManifestEntry): ManifestEntry {
  const wrapped = { ...e, size: int32(e.size), mtime: int32(e.mtime), uid: int32(e.uid), gid: int32(e.gid) };
  return e.devnode === undefined ? wrapped : { ...wrapped, devnode: int32(e.devnode) };
}

describe('BART entry lines', () => {
  it('escapes the seven special bytes as three-digit octal and nothing else', () => {
    expect(escapeName('/a b*\n?[\\\t]#!\r\xff')).toBe('/a\\040b\\052\\012\\077\\133\\134\\011]#!\r\xff');
  });

  it('prints the spec example lines exactly', () => {
    const base = { size: 6, mode: 0o100644, acl: '-', mtime: 1709613555, uid: 101, gid: 10 };
    expect(formatEntryLine({ ...base, name: '/export/demo/my file', type: 'F', contents: 'b1946ac92492d2347c6235b4d2611184' })).toBe(
      '/export/demo/my\\040file F 6 100644 - 65e6a1f3 101 10 b1946ac92492d2347c6235b4d2611184',
    );
    expect(formatEntryLine({ ...base, name: '/empty-target-link', type: 'L', size: 0, mode: 0o120777, dest: '' })).toBe(
      '/empty-target-link L 0 120777 - 65e6a1f3 101 10 \\000',
    );
    expect(formatEntryLine({ ...base, name: '/big.iso', type: 'F', size: 3 * 2 ** 30, contents: '-' })).toBe(
      '/big.iso F -1073741824 100644 - 65e6a1f3 101 10 -',
    );
    expect(formatEntryLine({ ...base, name: '/t', type: 'P', mtime: -1, uid: 2 ** 31, gid: 2 ** 32 - 2 })).toBe(
      '/t P 6 100644 - ffffffff -2147483648 -2',
    );
  });

  it('reads back what it writes, with numbers wrapped to int32', () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        expect(parseEntryLine(formatEntryLine(entry))).toEqual(asWritten(entry));
      }),
      { numRuns: 2000 },
    );
  });

  it('unescapes every name it escapes', () => {
    fc.assert(
      fc.property(pathArb, (name) => {
        expect(unescapeName(escapeName(name))).toBe(name);
      }),
    );
  });

  it('cuts a quoted link target to 1023 bytes, partial escapes included, as bart does', () => {
    const a = 'a'.repeat(1020);
    expect(destField(a + 'bcdef')).toBe(a + 'bcd');
    expect(destField(a + 'b c')).toBe(a + 'b\\0');
    expect(destField(a + ' ')).toBe(a + '\\04');
    expect(destField(a + 'bc\\')).toBe(a + 'bc\\');
    expect(destField(a.slice(1) + ' ')).toBe(a.slice(1) + '\\040');
  });

  it('reads a cut link target back up to its partial escape', () => {
    const a = 'a'.repeat(1020);
    const link = (dest: string) => parseEntryLine(`/l L 1200 120777 - 65e6a1f3 0 0 ${dest}`).dest;
    expect(link(a + 'bc\\')).toBe(a + 'bc');
    expect(link(a + 'b\\0')).toBe(a + 'b');
    expect(link(a + '\\01')).toBe(a);
    expect(link(a.slice(1) + '\\134')).toBe(a.slice(1) + '\\');
    // Shorter dests were not cut: a partial escape there is an error.
    expect(() => link(a + '\\0')).toThrow(/bad octal escape/);
  });

  it('rejects lines with a wrong field count, a bad escape or a bad number', () => {
    expect(() => parseEntryLine('/a F 1 100644 - 0 0 0')).toThrow(/8 fields, F lines have 9/);
    expect(() => parseEntryLine('/a\\09 D 1 40755 - 0 0 0')).toThrow(/bad octal escape/);
    expect(() => parseEntryLine('/a D x 40755 - 0 0 0')).toThrow(/bad size/);
    expect(() => parseEntryLine('/a Q 1 40755 - 0 0 0')).toThrow(/unknown entry type/);
  });
});

describe('BART header', () => {
  const date = new Date(2024, 2, 5, 4, 39, 15);

  it('formats the date as strftime("%A, %B %d, %Y (%T)") in the C locale', () => {
    expect(formatManifestDate(date)).toBe('Tuesday, March 05, 2024 (04:39:15)');
  });

  it('writes Version 1.0 for MD5 manifests, 1.1 + Hash otherwise', () => {
    expect(formatHeader('md5', date).split('\n').slice(0, 3)).toEqual(['! Version 1.0', '! Tuesday, March 05, 2024 (04:39:15)', '# Format:']);
    expect(formatHeader('xxh64', date).startsWith('! Version 1.1\n! Hash XXH64\n')).toBe(true);
    // Two version lines, the date, `# Format:` and seven type lines.
    expect(formatHeader('sha256', date).trimEnd().split('\n')).toHaveLength(11);
  });

  it('reads illumos, Solaris 11 and preupd headers', () => {
    const lines = (text: string) => text.split('\n');
    expect(parseHeader(lines(formatHeader('md5', date)))).toEqual({ version: '1.0', hash: 'md5' });
    expect(parseHeader(lines(formatHeader('xxh64', date)))).toEqual({ version: '1.1', hash: 'xxh64' });
    expect(parseHeader(['! Version 1.1', '! HASH SHA256'])).toEqual({ version: '1.1', hash: 'sha256' });
    expect(() => parseHeader(['# Format:'])).toThrow(/version/);
  });
});
