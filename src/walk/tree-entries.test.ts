import { describe, expect, it } from 'vitest';
import { faultyFs, file, memTree, symlink } from '../../test/memfs-tree.js';
import { treeEntries } from './tree-entries.js';

describe('treeEntries', () => {
  it('yields every entry of a tree, directories included, as parsed values in manifest order', async () => {
    const fs = faultyFs(memTree('/t', { 'etc/a b': file('x\n'), 'etc/l': symlink('a b'), bin: file('', 0o755) }));
    const entries = [];
    for await (const e of treeEntries('/t', { fs, threads: 0, hash: 'md5', acl: 'none' })) entries.push(e);
    expect(entries.map((e) => `${e.name} ${e.type}`)).toEqual(['/ D', '/bin F', '/etc D', '/etc/a b F', '/etc/l L']);
    expect(entries.find((e) => e.name === '/etc/a b')!.contents).toBe('401b30e3b8b5d629635a5c613cdb7919');
    expect(entries.find((e) => e.name === '/etc/l')!.dest).toBe('a b');
  });

  // Bug: a missing root walked as an empty tree, without a word: reintegration then took
  // every admin file for one the admin added.
  it.each([
    ['missing', '/gone', '/gone: No such file or directory'],
    ['a file', '/t/bin', '/t/bin: not a directory'],
    ['a symlink', '/t/etc/l', '/t/etc/l: not a directory'],
  ])('refuses a root that is %s', (_, root, message) => {
    const fs = faultyFs(memTree('/t', { bin: file(''), 'etc/a': file(''), 'etc/l': symlink('a') }));
    expect(() => treeEntries(root, { fs, threads: 0 })).toThrow(message);
  });

  it("passes on bart's warnings about the rules' subtrees", async () => {
    const fs = faultyFs(memTree('/t', { 'etc/a': file('') }));
    const messages: string[] = [];
    const walk = treeEntries('/t', { fs, threads: 0, rules: '/etc\nCHECK all\n/opt\nCHECK all\n', onMessage: (m) => messages.push(m) });
    const names = [];
    for await (const e of walk) names.push(e.name);
    expect(names).toEqual(['/etc', '/etc/a']);
    expect(messages).toEqual(['WARNING: Ignoring invalid subtree: /t/opt\n']);
  });
});
