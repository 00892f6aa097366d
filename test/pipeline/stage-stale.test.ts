/**
 * Unbooted BEs staged from another BE than the running one (the admin booted an older BE
 * after an interrupted stage, or booted a `staging` BE): stale. The next stage neither
 * activates nor settles them, and replaces them, keeping what the admin wrote in the BE
 * that runs now (spec/reintegration.md "Safety").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { bootInto, createCycle, withMountedBe, writeTree, preupdOk, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();

describe.skipIf(unusable !== undefined)(`stale unbooted BEs, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  const datasets = () => c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.container);
  // zfs-fuse's zpool get has no -H: NAME PROPERTY VALUE SOURCE, then the row.
  const bootfs = () => execFileSync('zpool', ['get', 'bootfs', c.pool.name], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[2];
  const staged = async () => JSON.parse((await c.preupd('status', '--json')).stdout).staged;
  const stageFailing = async (subcommand: string) => {
    c.env.PREUPD_FAKE_BEADM_FAIL = subcommand;
    try {
      const failed = await c.preupd('stage');
      expect([failed.status, failed.stderr]).toEqual([3, expect.stringContaining(`simulated failure of ${subcommand}`)]);
    } finally {
      delete c.env.PREUPD_FAKE_BEADM_FAIL;
    }
  };
  const ok = (...args: string[]) => preupdOk(c, ...args);

  beforeAll(async () => {
    c = createCycle('stale', { beadm: true });
    await ok('init', '--base-snapshot', `${c.container}/be0@install`);
  }, 60_000);
  afterAll(() => c?.cleanup());

  it('a `staging` BE staged from be0, after the admin booted preupd-0002 and edited it, is replaced, not activated', async () => {
    writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n' });
    await ok('stage', '--activate');
    writeTree(c.updateDir, { 'usr/bin/second': 'second\n' });
    await stageFailing('activate');
    expect(await staged()).toMatchObject([{ be: 'preupd-0002' }, { be: 'preupd-0003', status: 'staging', activated: true }]);
    // The pool boots preupd-0002: the admin works there after its boot-finish.
    const root = bootInto(c, 'preupd-0002');
    await ok('boot-finish');
    writeTree(root, { 'etc/motd.local': 'written in preupd-0002\n' });
    writeTree(c.updateDir, { 'usr/bin/third': 'third\n' });
    const next = await ok('stage');
    const stale = /^# preupd-0003 was staged from another BE than the running preupd-0002 \((\S+\/be0@preupd-stage-\w+)\): not activating it, this stage replaces it\n/.exec(next.stdout);
    expect(stale).not.toBeNull();
    expect(next.stdout).not.toContain('beadm activate');
    expect(next.stdout).toMatch(/staged preupd-0004 \(0 conflicts; replaced preupd-0003\)/);
    expect(bootfs()).toBe(`${c.container}/preupd-0002`);
    expect(datasets()).not.toMatch(/ROOT\/preupd-0003\b/);
    expect(datasets()).not.toContain(stale![1]);
    expect(await staged()).toMatchObject([
      { be: 'preupd-0002', status: 'finished' },
      { be: 'preupd-0004', status: 'staged', activated: false },
    ]);
    // The new BE has the admin's edit and every update.
    withMountedBe(c, 'preupd-0004', (root) => {
      expect(readFileSync(join(root, 'etc/motd.local'), 'utf8')).toBe('written in preupd-0002\n');
      expect(readFileSync(join(root, 'usr/bin/third'), 'utf8')).toBe('third\n');
    });
  }, 180_000);

  it('booting a `staging` BE (killed after its activation) makes the older activated BE stale: a plain stage does not activate', async () => {
    writeTree(c.updateDir, { 'usr/bin/fifth': 'fifth\n' });
    await ok('stage', '--activate');
    writeTree(c.updateDir, { 'usr/bin/sixth': 'sixth\n' });
    // Activated (it inherits preupd-0005's activation), then the replacement of preupd-0005 failed.
    await stageFailing('destroy');
    expect(bootfs()).toBe(`${c.container}/preupd-0006`);
    expect(await staged()).toMatchObject([
      { be: 'preupd-0002' },
      { be: 'preupd-0005', status: 'staged', activated: true },
      { be: 'preupd-0006', status: 'staging', activated: true },
    ]);
    bootInto(c, 'preupd-0006');
    await ok('boot-finish');
    writeTree(c.updateDir, { 'usr/bin/seventh': 'seventh\n' });
    const next = await ok('stage');
    expect(next.stdout).not.toContain('beadm activate');
    expect(next.stdout).toContain('# preupd-0005 was staged from another BE than the running preupd-0006 (');
    expect(next.stdout).toMatch(/staged preupd-0007 \(0 conflicts; replaced preupd-0005\)/);
    expect(bootfs()).toBe(`${c.container}/preupd-0006`);
    expect(await staged()).toMatchObject([
      { be: 'preupd-0002' },
      { be: 'preupd-0006', status: 'finished' },
      { be: 'preupd-0007', status: 'staged', activated: false },
    ]);
  }, 180_000);
});
