/**
 * `preupd diff` between two clones of one snapshot (one ZFS lineage: same inode numbers).
 * There it hashes lazily, only pairs not proven equal by inode, size, mtime and ctime;
 * with --paranoid (or between unrelated trees) each walker hashes every file. Both ways
 * must print the same report.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPool, zfsUnusableReason, type TestPool } from './fixtures/zfs-pool.js';
import { runIn } from './run-cli.js';

const skip = zfsUnusableReason();

describe.skipIf(skip !== undefined)(`diff of two clones of one snapshot${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pool: TestPool;
  const mountOf = (rel: string) => execFileSync('zfs', ['get', '-H', '-o', 'value', 'mountpoint', `${pool.name}/${rel}`], { encoding: 'utf8' }).trim();

  beforeAll(async () => {
    pool = createTestPool('difflin');
    execFileSync('zfs', ['create', `${pool.name}/base`]);
    const base = mountOf('base');
    for (let d = 0; d < 5; d++) {
      mkdirSync(join(base, `d${d}`));
      for (let f = 0; f < 20; f++) writeFileSync(join(base, `d${d}`, `f${f}`), `file ${d}/${f}\n`.repeat(f + 1));
    }
    execFileSync('zfs', ['snapshot', `${pool.name}/base@s`]);
    for (const clone of ['a', 'b']) execFileSync('zfs', ['clone', `${pool.name}/base@s`, `${pool.name}/${clone}`]);
    const b = mountOf('b');
    // zfs-fuse keeps whole-second times: changes in the second of the snapshot would leave
    // ctime as it was (illumos ZFS has nanoseconds).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Same size and, to the second, the same mtime: only a hash can tell.
    const sameSize = join(b, 'd0', 'f3');
    const { mtime } = statSync(sameSize);
    writeFileSync(sameSize, 'FILE 0/3\n'.repeat(4));
    utimesSync(sameSize, mtime, mtime);
    writeFileSync(join(b, 'd1', 'f1'), 'longer now\n');
    chmodSync(join(b, 'd2', 'f2'), 0o600);
    rmSync(join(b, 'd3', 'f4'));
    writeFileSync(join(b, 'd4', 'new'), 'added\n');
  });
  afterAll(() => pool?.destroy());

  it('reports the same changes hashing lazily as hashing everything', async () => {
    const [a, b] = [mountOf('a'), mountOf('b')];
    // The lazy path is taken only for trees that share inode numbers, root included.
    expect(statSync(a).ino).toBe(statSync(b).ino);
    const lazy = await runIn('/', ['diff', a, b]);
    const paranoid = await runIn('/', ['diff', '--paranoid', a, b]);
    expect(lazy.stderr).toBe('');
    expect(lazy.status).toBe(1);
    expect(paranoid).toEqual(lazy);
    const names = [...lazy.stdout.matchAll(/^(\/\S+):$/gm)].map((m) => m[1]).sort();
    // d3 and d4 too: a ZFS directory's size is its number of entries.
    expect(names).toEqual(['/d0/f3', '/d1/f1', '/d2/f2', '/d3', '/d3/f4', '/d4', '/d4/new']);
  });
});
