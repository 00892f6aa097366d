/**
 * Directories a walk lists but does not enter (pruned by the rule, or on another file-system
 * type): nftw opens them first, so an unreadable one warns once, whatever the rule prints
 * and however jobs split the keys (spec/bart.md §3.3). In-thread, on memfs; real trees and
 * the reference cases: test/bart-create-walk-edges.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { dir, faultyFs, file, memTree } from '../../test/memfs-tree.js';
import { createFromRules, parseCreateRules, type CreateOptions } from './create-manifest.js';
import { linesOf } from './line-merge.js';
import type { WalkFs } from './walk-fs.js';

const ROOT = '/t';

async function create(fs: WalkFs, rules: string | undefined, donateEvery?: number) {
  const opts: CreateOptions = {
    relocRoot: ROOT,
    computeChecksum: false,
    hash: 'md5',
    acl: 'posix',
    fs,
    threads: 0,
    inThreadTuning: donateEvery ? { donateEvery } : undefined,
  };
  const lines: string[] = [];
  const messages: string[] = [];
  const parsed = rules === undefined ? undefined : parseCreateRules(rules, opts);
  const status = await createFromRules(opts, parsed, {
    text: (blocks) => void lines.push(...blocks.flatMap(linesOf)),
    message: (m) => void messages.push(m),
  });
  return { names: lines.map((l) => l.split(' ')[0]), messages, status };
}

// Names around the directories' own: their keys ("SCCS " and "SCCS/") are apart in order.
const TREE = {
  'SCCS/s.f': file('x'),
  'SCCS!': file('x'),
  'SCCS.x': file('x'),
  'mnt/inside': file('x'),
  'mnt-0': file('x'),
  'src/SCCS/s.g': file('x'),
  'src/a.c': file('x'),
  'src/mnt': dir(),
  'z/f': file('x'),
};

const faults = {
  unreadableDirs: [`${ROOT}/SCCS`, `${ROOT}/src/SCCS`, `${ROOT}/mnt`],
  mounts: { [`${ROOT}/mnt`]: { dev: 7, type: 'proc' } },
};
const warnings = [`${ROOT}/SCCS`, `${ROOT}/mnt`, `${ROOT}/src/SCCS`].map((p) => `WARNING: cannot list directory: ${p}\n`);

describe('directories listed but not entered', () => {
  it.each([undefined, 1, 2, 3])('warns once of each unreadable one, pruned or on another type (donating every %s)', async (donateEvery) => {
    const fs = faultyFs(memTree(ROOT, TREE), faults);
    const pruned = await create(fs, '/ !SCCS/\n', donateEvery);
    expect(pruned.messages.sort()).toEqual(warnings);
    expect(pruned.names).toEqual(['/', '/SCCS!', '/SCCS.x', '/mnt-0', '/src', '/src/a.c', '/src/mnt', '/z', '/z/f']);
    expect(pruned.status).toBe(1);
    // The default rule prints no directory lines: the warnings come all the same.
    const byDefault = await create(fs, undefined, donateEvery);
    expect(byDefault.messages.sort()).toEqual(warnings);
    expect(byDefault.status).toBe(1);
  });

  it('says nothing of readable ones, and walks nothing of a start directory its rule prunes', async () => {
    const fs = faultyFs(memTree(ROOT, TREE), { mounts: faults.mounts });
    const readable = await create(fs, '/ !SCCS/\n', 1);
    expect([readable.messages, readable.status]).toEqual([[], 0]);
    expect(readable.names).toContain('/mnt');
    expect(readable.names).not.toContain('/mnt/inside');
    const unreadableBelow = faultyFs(memTree(ROOT, TREE), faults);
    expect(await create(unreadableBelow, '/src\nIGNORE all\n', 1)).toEqual({ names: [], messages: [], status: 0 });
    expect(await create(unreadableBelow, '/ !/\n', 1)).toEqual({ names: [], messages: [], status: 0 });
  });
});
