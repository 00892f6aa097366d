import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathArb } from '../../test/arbitraries/manifest.js';
import type { ManifestEntry } from '../manifest/entry.js';
import { formatEntryLine } from '../manifest/format.js';
import { joinEntries, type JoinedEntry } from './join.js';

const entry = (name: string): ManifestEntry => ({ name, type: 'F', size: 0, mode: 0o100644, acl: '-', mtime: 0, uid: 0, gid: 0, contents: name });
async function* stream(names: readonly string[]) {
  for (const name of names) yield entry(name);
}
/** Manifest order, as bart's `sort -u` makes it: bytewise on whole lines (spec/bart.md §2.5). */
const manifestOrder = (names: Iterable<string>) => {
  const line = (name: string) => formatEntryLine(entry(name));
  return [...new Set(names)].sort((x, y) => (line(x) < line(y) ? -1 : line(x) > line(y) ? 1 : 0));
};

async function joined(base: string[], admin: string[], update: string[]): Promise<JoinedEntry[]> {
  const out = [];
  for await (const j of joinEntries({ base: stream(base), admin: stream(admin), update: stream(update) })) out.push(j);
  return out;
}

describe('joinEntries', () => {
  it('puts each path once, in bart order ("/a-c" between "/a" and "/a/b"), with the roots that have it', async () => {
    const out = await joined(['/a', '/a/b'], ['/a', '/a-c'], ['/a/b']);
    expect(out.map((j) => [j.path, !!j.base, !!j.admin, !!j.update])).toEqual([
      ['/a', true, true, false], ['/a-c', false, true, false], ['/a/b', true, false, true],
    ]);
  });

  it('follows the manifest order of escaped names: "/a.b" before "/a b" (\\040)', async () => {
    const out = await joined(['/a.b', '/a b'], ['/a b'], []);
    expect(out.map((j) => [j.path, !!j.base, !!j.admin])).toEqual([['/a.b', true, false], ['/a b', true, true]]);
  });

  it('follows whole-line order for names with bytes below a space: "/foo\\r" and "/foo\\x01" before "/foo"', async () => {
    const dirs = ['/foo', '/foo\r', '/foo\r/x', '/foo/a'];
    const base = manifestOrder(['/foo', '/foo\r', '/foo\x01', '/foo\tb', '/foo-b', '/foob', '/foo\r/x', '/foo/a']);
    expect(base).toEqual(['/foo\x01', '/foo\r', '/foo\r/x', '/foo', '/foo-b', '/foo/a', '/foo\tb', '/foob']);
    const out = await joined(base, manifestOrder(dirs), manifestOrder(['/foo\r', '/foo']));
    expect(out.map((j) => [j.path, !!j.base, !!j.admin, !!j.update])).toEqual(base.map((p) => [p, true, dirs.includes(p), p === '/foo' || p === '/foo\r']));
  });

  it('refuses a stream out of order', async () => {
    await expect(joined(['/b', '/a'], [], [])).rejects.toThrow('entries out of order: /a after /b');
  });

  it('agrees with a join through a Map for any three sorted name sets', async () => {
    const namesArb = fc.array(pathArb, { maxLength: 15 }).map(manifestOrder);
    await fc.assert(fc.asyncProperty(namesArb, namesArb, namesArb, async (base, admin, update) => {
      const out = await joined(base, admin, update);
      const expected = manifestOrder([...base, ...admin, ...update]).map((path) => [path, base.includes(path), admin.includes(path), update.includes(path)]);
      expect(out.map((j) => [j.path, j.base?.name === j.path, j.admin?.name === j.path, j.update?.name === j.path])).toEqual(expected);
    }), { numRuns: 100 });
  });
});
