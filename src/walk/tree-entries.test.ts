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
});
