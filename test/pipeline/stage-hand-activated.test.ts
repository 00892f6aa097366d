/**
 * The admin activates a staged BE by hand (`beadm activate`, the way to choose it), and an
 * update comes before the reboot: the new stage replaces that BE, so the new BE must take
 * its place as the BE the pool boots next. beadm refuses to destroy the BE activated on
 * reboot: without that, the stage failed (exit 3) after recording its BE, and so did every
 * later stage. A BE a stage activated that the admin has since turned away from hands
 * nothing on.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_BIN } from '../fixtures/stand-ins.js';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { createCycle, preupdOk, writeTree, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();

describe.skipIf(unusable !== undefined)(`a staged BE activated by hand, then a new stage, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  // zfs-fuse's zpool get has no -H: NAME PROPERTY VALUE SOURCE, then the row.
  const bootfs = () => execFileSync('zpool', ['get', 'bootfs', c.pool.name], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[2];
  const status = async () => JSON.parse((await c.preupd('status', '--json')).stdout);

  beforeAll(async () => {
    c = createCycle('handactivated', { beadm: true });
    await preupdOk(c, 'init', '--base-snapshot', `${c.container}/be0@install`);
    writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n' });
    await preupdOk(c, 'stage');
  }, 120_000);
  afterAll(() => c?.cleanup());

  it('the new BE boots next in place of the one the admin activated', async () => {
    execFileSync(`${STAND_IN_BIN}/beadm`, ['activate', 'preupd-0002'], { env: c.env });
    expect(bootfs()).toBe(`${c.container}/preupd-0002`);
    writeTree(c.updateDir, { 'usr/bin/second': 'second\n' });
    const dry = await preupdOk(c, 'stage', '--dry-run');
    expect(dry.stdout).toMatch(/^\+ \S*beadm activate preupd-0003$/m);
    const staged = await preupdOk(c, 'stage');
    expect(staged.stdout).toMatch(/staged preupd-0003 \(0 conflicts, activated; replaced preupd-0002\)/);
    expect(bootfs()).toBe(`${c.container}/preupd-0003`);
    expect((await status()).staged).toMatchObject([{ be: 'preupd-0003', status: 'staged', activated: true }]);
  }, 120_000);

  it('a BE that no longer boots next (the admin activated be0 again) hands nothing on', async () => {
    execFileSync(`${STAND_IN_BIN}/beadm`, ['activate', 'be0'], { env: c.env });
    writeTree(c.updateDir, { 'usr/bin/third': 'third\n' });
    const staged = await preupdOk(c, 'stage');
    expect(staged.stdout).toMatch(/staged preupd-0004 \(0 conflicts; replaced preupd-0003\)/);
    expect(bootfs()).toBe(`${c.container}/be0`);
    expect((await status()).staged).toMatchObject([{ be: 'preupd-0004', status: 'staged', activated: false }]);
  }, 120_000);

  it('a stage interrupted before replacing, whose older BE the admin then activates, is finished in its place', async () => {
    writeTree(c.updateDir, { 'usr/bin/fourth': 'fourth\n' });
    c.env.PREUPD_FAKE_BEADM_FAIL = 'destroy';
    try {
      expect((await c.preupd('stage')).status).toBe(3);
    } finally {
      delete c.env.PREUPD_FAKE_BEADM_FAIL;
    }
    expect((await status()).staged).toMatchObject([{ be: 'preupd-0004' }, { be: 'preupd-0005', status: 'staging', activated: false }]);
    execFileSync(`${STAND_IN_BIN}/beadm`, ['activate', 'preupd-0004'], { env: c.env });
    const next = await preupdOk(c, 'stage');
    expect(next.stdout).toContain('# preupd-0005 is left from a stage interrupted at ');
    // The destroy between a second clone of preupd-0004's origin and its removal (beadm.ts destroy).
    expect(next.stdout).toMatch(/^\+ \S*beadm activate preupd-0005\n\+ zfs clone -o canmount=off .*\n\+ \S*beadm destroy -Fs preupd-0004\n\+ zfs destroy \S+\/preupd-keep-origin$/m);
    expect(bootfs()).toBe(`${c.container}/preupd-0005`);
    expect((await status()).staged).toMatchObject([{ be: 'preupd-0005', status: 'staged', activated: true }]);
  }, 120_000);
});
