import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { createSystem } from './system.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preupd-system-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** zfs answering that pool `rpool` is mounted on /rpool (or not mounted); nothing else exists. */
const poolAt = (mounted: 'yes' | 'no', dryRun = false) =>
  new FakeRunner(
    (argv) => (argv[1] === 'get' ? { stdout: `rpool\tmountpoint\t/rpool\tdefault\nrpool\tmounted\t${mounted}\t-\n` } : undefined),
    dryRun,
  );

describe('createSystem', () => {
  it('uses zfs and the GRUB menu under the pool mount point where beadm is absent', async () => {
    const dry = poolAt('yes', true);
    const system = await createSystem({ pool: 'rpool', beContainer: 'rpool/ROOT', env: { PATH: dir }, runner: dry });
    expect(system.bootEnvironments.kind).toBe('zfs');
    // The menu path shows in what an activation would write (dry run: nothing is written).
    await system.bootEnvironments.activate('be2');
    expect(dry.effects).toEqual(['/rpool/boot/grub/menu.lst: boot rpool/ROOT/be2 by default']);
    expect(dry.lines()).toContain('zpool set bootfs=rpool/ROOT/be2 rpool');
  });

  it('uses beadm when it is on PATH', async () => {
    const system = await createSystem({ pool: 'rpool', beContainer: 'rpool/ROOT', env: { PATH: '/bin:/usr/bin', PREUPD_BEADM: 'sh' }, runner: poolAt('no') });
    expect(system.bootEnvironments.kind).toBe('beadm');
  });
});
