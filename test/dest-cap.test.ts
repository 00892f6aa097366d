/**
 * A symlink target longer than create's 1023-byte dest field (spec/bart.md §2.3), from the
 * walk through the manifest to compare, and whole to the entries reintegration reads.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEntryLine } from '../src/manifest/format.js';
import { treeEntries } from '../src/walk/tree-entries.js';
import { runIn } from './run-cli.js';

// Quoted, `a…a b` is 1021 + 5 bytes: the cut falls inside the `\040` of the space.
const TARGET = `${'a'.repeat(1021)} b`;
const CUT = `${'a'.repeat(1021)}\\0`;

function treeWithLink(): string {
  const root = mkdtempSync(join(tmpdir(), 'preupd-dest-cap-'));
  symlinkSync(TARGET, join(root, 'l'));
  return root;
}

describe('a link target past the dest cap', () => {
  it('is cut in the manifest as bart cuts it, and both compares read that manifest alike', async () => {
    const root = treeWithLink();
    const created = await runIn(root, ['manifest', 'create', '-n', '--hash', 'md5', '-R', root]);
    expect(created.status).toBe(0);
    const line = created.stdout.split('\n').find((l) => l.startsWith('/l '))!;
    expect(line.split(' ').at(-1)).toBe(CUT);

    const dir = mkdtempSync(join(tmpdir(), 'preupd-dest-cap-'));
    writeFileSync(join(dir, 'c'), created.stdout, 'latin1');
    writeFileSync(join(dir, 't'), created.stdout.replace(line, line.replace(/ 1023 /, ' 1024 ')), 'latin1');
    const manifest = await runIn(dir, ['manifest', 'compare', 'c', 't']);
    expect(manifest).toEqual({ status: 1, stdout: '/l:\n  size  control:1023  test:1024\n', stderr: '' });
    expect(await runIn(dir, ['bart', 'compare', 'c', 't'])).toEqual(manifest);
  });

  // Reintegration reads trees through treeEntries: a change past the cut must not be lost.
  it('reaches reintegration whole, and parses back from the cut field as far as it goes', async () => {
    const dests = [];
    for await (const e of treeEntries(treeWithLink(), { threads: 0, hash: 'md5', acl: 'none' })) {
      if (e.type === 'L') dests.push(e.dest);
    }
    expect(dests).toEqual([TARGET]);
    expect(parseEntryLine(`/l L 1023 120777 - 65e6a1f3 0 0 ${CUT}`).dest).toBe('a'.repeat(1021));
  });
});
