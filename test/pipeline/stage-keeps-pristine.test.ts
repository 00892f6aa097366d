/**
 * libbe's be_destroy destroys the snapshot a BE was cloned from once no other clone depends
 * on it (gate be_create.c _be_destroy), and the beadm stand-in does the same. A preupd BE is
 * a clone of the newest pristine snapshot: a stage that finds no updates destroys its BE, and
 * replacing an unbooted BE destroys a BE cloned from the replacing BE's snapshot. Neither may
 * take a pristine snapshot of the chain with it: the next stage and prune need them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_BIN } from '../fixtures/stand-ins.js';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { createCycle, preupdOk, printedCommands, writeTree, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();
/** The stand-in pkg's plan saying a boot-archive file changed (pkg's default when it says nothing). */
const REBUILD_PLAN = '{"add-packages": [], "change-packages": [], "remove-packages": [], "boot-archive-rebuild": true}';

describe.skipIf(unusable !== undefined)(`stage with beadm keeps the pristine snapshots, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  const snapshots = () => c.zfs('list', '-H', '-o', 'name', '-t', 'snapshot', '-r', c.pool.name).split('\n').filter((n) => n !== '');
  const filesystems = () => c.zfs('list', '-H', '-o', 'name', '-t', 'filesystem', '-r', c.pool.name).split('\n').filter((n) => n !== '');
  const keeper = () => `${c.pool.name}/preupd-keep-origin`;
  const status = async () => JSON.parse((await preupdOk(c, 'status', '--json')).stdout);
  const pristineNames = async () => (await status()).pristine.map((p: { name: string }) => p.name);
  const commands = (stdout: string) => printedCommands(c, stdout);
  const stageWithoutUpdates = async () => {
    c.env.PREUPD_FAKE_PKG_UPDATE = join(c.live, '..', 'no-update');
    try {
      const none = await preupdOk(c, 'stage');
      expect(none.stdout).toMatch(/\nno updates available\n$/);
      return none;
    } finally {
      c.env.PREUPD_FAKE_PKG_UPDATE = c.updateDir;
    }
  };

  beforeAll(async () => {
    c = createCycle('keep', { beadm: true });
    await preupdOk(c, 'init', '--base-snapshot', `${c.container}/be0@install`);
  }, 60_000);
  afterAll(() => c?.cleanup());

  it('a stage that finds no updates leaves the newest pristine snapshot (the one init adopted) in place', async () => {
    const before = snapshots();
    const none = await stageWithoutUpdates();
    expect(snapshots()).toEqual(before);
    expect(snapshots()).toContain(`${c.container}/be0@install`);
    expect(filesystems()).not.toContain(keeper());
    // beadm destroy ran while the origin had a second clone, removed again with a plain zfs destroy.
    expect(commands(none.stdout).slice(-3)).toEqual([
      '+ zfs clone -o canmount=off -o org.preupd:keep-origin=POOL/ROOT/be0@install POOL/ROOT/be0@install POOL/preupd-keep-origin',
      '+ beadm destroy -Fs preupd-0002',
      '+ zfs destroy POOL/preupd-keep-origin',
    ]);
  }, 60_000);

  it('after a stage, a stage that finds no updates leaves that stage\'s pristine snapshot in place', async () => {
    writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n' });
    const staged = await preupdOk(c, 'stage');
    expect(staged.stdout).toMatch(/staged preupd-0002 \(/);
    const newest = `${c.container}/preupd-0002@preupd-pristine-0002`;
    expect(await pristineNames()).toEqual([`${c.container}/be0@install`, newest]);
    const before = snapshots();
    await stageWithoutUpdates();
    expect(snapshots()).toEqual(before);
    expect(snapshots()).toContain(newest);
    expect(filesystems()).not.toContain(keeper());
    expect((await status()).staged).toMatchObject([{ be: 'preupd-0002', status: 'staged' }]);
  }, 120_000);

  it('replacing an unbooted BE keeps its pristine snapshot on the new BE, the dry run printing the same commands; prune then destroys it', async () => {
    writeTree(c.updateDir, { 'usr/bin/second': 'second update\n' });
    c.env.PREUPD_FAKE_PKG_PLAN = REBUILD_PLAN;
    let dry, real;
    try {
      dry = await preupdOk(c, 'stage', '--dry-run');
      real = await preupdOk(c, 'stage');
    } finally {
      delete c.env.PREUPD_FAKE_PKG_PLAN;
    }
    expect(real.stdout).toMatch(/staged preupd-0003 \(0 conflicts; replaced preupd-0002\)/);
    const chain = [`${c.container}/be0@install`, `${c.container}/preupd-0003@preupd-pristine-0002`, `${c.container}/preupd-0003@preupd-pristine-0003`];
    expect(await pristineNames()).toEqual(chain);
    for (const name of chain) expect(snapshots()).toContain(name);
    expect(filesystems()).not.toContain(`${c.container}/preupd-0002`);
    expect(filesystems()).not.toContain(keeper());
    expect(commands(dry.stdout)).toEqual(commands(real.stdout));
    // The promotion moved preupd-0002's pristine onto preupd-0003; preupd-0002 was a clone of it.
    expect(commands(real.stdout).slice(-5)).toEqual([
      '+ zfs promote POOL/ROOT/preupd-0003',
      '+ zfs clone -o canmount=off -o org.preupd:keep-origin=POOL/ROOT/preupd-0003@preupd-pristine-0002 POOL/ROOT/preupd-0003@preupd-pristine-0002 POOL/preupd-keep-origin',
      '+ beadm destroy -Fs preupd-0002',
      '+ zfs destroy POOL/preupd-keep-origin',
      '+ zfs destroy -r POOL/ROOT/be0@preupd-stage-STAMP',
    ]);

    // The replaced BE's pristine is no one's base any more: prune's to destroy, and it can.
    const pruned = await preupdOk(c, 'prune', '--keep', '1');
    expect(pruned.stdout).toContain(`destroyed ${c.container}/preupd-0003@preupd-pristine-0002\n`);
    expect(pruned.stdout).toContain(`keep ${c.container}/be0@install (the running BE's base)\n`);
    expect(snapshots()).not.toContain(`${c.container}/preupd-0003@preupd-pristine-0002`);
    expect(await pristineNames()).toEqual([chain[0], chain[2]]);
    // And the next stage still finds what it clones from.
    const after = snapshots();
    await stageWithoutUpdates();
    expect(snapshots()).toEqual(after);
  }, 180_000);

  // Found by review: preupd cannot stop the admin's own `beadm destroy` of a staged BE from
  // taking that BE's origin (here the running BE's base) with it. stage then failed in beadm
  // create ("Snapshot be0@install does not exist", exit 3), night after night.
  it('a base the admin\'s own beadm destroy took is named, with how to start a new chain', async () => {
    execFileSync(join(STAND_IN_BIN, 'beadm'), ['destroy', '-Fs', 'preupd-0003'], { env: c.env });
    expect(snapshots()).not.toContain(`${c.container}/be0@install`);
    writeTree(c.updateDir, { 'usr/bin/third': 'third update\n' });
    const run = await c.preupd('stage');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^preupd: \S+\/be0@install: destroyed outside preupd \(beadm destroy of a BE cloned from it destroys it\); .*preupd init --base-snapshot/);
    expect(filesystems().filter((name) => name.includes('preupd-000'))).toEqual([]);
  }, 120_000);
});
