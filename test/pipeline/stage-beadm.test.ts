/**
 * stage through the beadm stand-in on a real (zfs-fuse) pool: the --dry-run command sequence,
 * a stage that fails half-way (pkg exits 1 after changing the clone) leaving nothing behind,
 * and a second update arriving before the first staged BE was booted.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { createCycle, destroyWhenNotBusy, printedCommands, printedLines, withMountedBe, writeTree, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();
/** The stand-in pkg's plan saying a boot-archive file changed (pkg's default when it says nothing). */
const REBUILD_PLAN = '{"add-packages": [], "change-packages": [], "remove-packages": [], "boot-archive-rebuild": true}';

describe.skipIf(unusable !== undefined)(`stage with beadm, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  const datasets = () => c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.container);
  const normalised = (stdout: string) => printedLines(c, stdout);
  const commands = (stdout: string) => printedCommands(c, stdout);
  /**
   * A dry run, then the real run from the same pool state: the same commands. The dry run
   * cannot ask pkg (zfs-fuse has no .zfs/snapshot) and assumes its default, a boot archive
   * rebuild: the stand-in pkg says so to the real run.
   */
  const stageTwice = async (...args: string[]) => {
    c.env.PREUPD_FAKE_PKG_PLAN = REBUILD_PLAN;
    try {
      const before = datasets();
      const dry = await c.preupd('stage', '--dry-run', ...args);
      expect([dry.status, dry.stderr]).toEqual([0, '']);
      expect(datasets()).toBe(before);
      const real = await c.preupd('stage', ...args);
      expect([real.status, real.stderr]).toEqual([0, '']);
      expect(commands(dry.stdout)).toEqual(commands(real.stdout));
      return { dry, real };
    } finally {
      delete c.env.PREUPD_FAKE_PKG_PLAN;
    }
  };

  beforeAll(async () => {
    c = createCycle('beadm', { beadm: true });
    expect((await c.preupd('init', '--base-snapshot', `${c.container}/be0@install`)).status).toBe(0);
    writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n' });
  }, 60_000);
  afterAll(() => c?.cleanup());

  it('with nothing to update, stage says so and leaves nothing behind', async () => {
    const before = datasets();
    c.env.PREUPD_FAKE_PKG_UPDATE = join(c.live, '..', 'no-update');
    try {
      const none = await c.preupd('stage');
      expect([none.status, none.stderr]).toEqual([0, '']);
      expect(none.stdout).toMatch(/\nno updates available\n$/);
    } finally {
      c.env.PREUPD_FAKE_PKG_UPDATE = c.updateDir;
    }
    expect(datasets()).toBe(before);
  }, 60_000);

  it('--dry-run prints the exact commands and changes nothing', async () => {
    const before = datasets();
    const dry = await c.preupd('stage', '--dry-run', '--activate');
    expect([dry.status, dry.stderr]).toEqual([0, '']);
    // spec/illumos.md §5.4: create from the pristine snapshot, mount, pkg -R, snapshots, unmount, activate.
    expect(normalised(dry.stdout)).toEqual([
      "+ beadm create -e be0@install -d 'preupd 0002' preupd-0002",
      '+ zfs set org.preupd:stage-in-progress=STAMP POOL/ROOT/preupd-0002',
      '+ beadm mount preupd-0002 TARGET',
      '+ pkg -R TARGET refresh',
      '# POOL/ROOT/be0@install is not reachable through .zfs/snapshot: assuming updates are available',
      '+ pkg -R TARGET update -f --accept --parsable=0',
      '+ zfs snapshot -r POOL/ROOT/preupd-0002@preupd-pristine-0002',
      '+ zfs snapshot -r POOL/ROOT/be0@preupd-stage-STAMP',
      '# plan POOL/ROOT/be0@install / POOL/ROOT/be0@preupd-stage-STAMP / POOL/ROOT/preupd-0002@preupd-pristine-0002 and reintegrate into TARGET (needs the updated BE: not in a dry run)',
      '# copy the SMF repository POOL/ROOT/be0@preupd-stage-STAMP/etc/svc/repository.db to TARGET/etc/svc/repository.db',
      '# install TARGET/var/svc/manifest/site/preupd-finish-STAMP.xml (mode 444)',
      '# install TARGET/lib/svc/method/preupd-finish-STAMP (mode 555)',
      '+ bootadm update-archive -R TARGET',
      '+ beadm unmount preupd-0002',
      '+ zfs snapshot -r POOL/ROOT/preupd-0002@preupd-staged-STAMP',
      '+ zfs inherit org.preupd:stage-in-progress POOL/ROOT/preupd-0002',
      '+ beadm activate preupd-0002',
    ]);
    expect(datasets()).toBe(before);
  }, 60_000);

  it('a stage that fails half-way (pkg exits 1) leaves no datasets behind and exits 3 naming pkg', async () => {
    const before = datasets();
    c.env.PREUPD_FAKE_PKG_FAIL = '1';
    try {
      const failed = await c.preupd('stage');
      expect(failed.status).toBe(3);
      expect(failed.stderr).toMatch(/^preupd: \S*pkg -R \S+ update -f --accept --parsable=0: exit 1: pkg: simulated failure/);
    } finally {
      delete c.env.PREUPD_FAKE_PKG_FAIL;
    }
    expect(datasets()).toBe(before);
    expect(JSON.parse((await c.preupd('status', '--json')).stdout).staged).toEqual([]);
  }, 60_000);

  it('a second update before the first staged BE was booted replaces that BE', async () => {
    // The stand-in pkg says a boot-archive file changed: bootadm runs on the new root (not dry).
    await stageTwice('--activate');
    expect(c.log().filter((call) => call.startsWith('bootadm'))).toHaveLength(1);
    writeTree(c.updateDir, { 'usr/bin/second': 'second update\n' });
    const { dry, real: second } = await stageTwice();
    expect(second.stdout).toMatch(/staged preupd-0003 \(0 conflicts, activated; replaced preupd-0002\)/);
    expect(datasets()).not.toMatch(/ROOT\/preupd-0002\b/);
    const status = JSON.parse((await c.preupd('status', '--json')).stdout);
    expect(status.staged).toMatchObject([{ be: 'preupd-0003', status: 'staged', activated: true }]);
    // preupd-0002 was activated, so preupd-0003 is too, which promotes it: no zfs promote of its own.
    // beadm (libbe) would destroy preupd-0002's origin, preupd-0002's pristine since the
    // promotion: a second clone keeps it meanwhile (the dry run knows the origin it would have).
    expect(commands(dry.stdout).slice(-6)).toEqual([
      '+ zfs inherit org.preupd:stage-in-progress POOL/ROOT/preupd-0003',
      '+ beadm activate preupd-0003',
      '+ zfs clone -o canmount=off -o org.preupd:keep-origin=POOL/ROOT/preupd-0003@preupd-pristine-0002 POOL/ROOT/preupd-0003@preupd-pristine-0002 POOL/preupd-keep-origin',
      '+ beadm destroy -Fs preupd-0002',
      '+ zfs destroy POOL/preupd-keep-origin',
      '+ zfs destroy -r POOL/ROOT/be0@preupd-stage-STAMP',
    ]);
    // The chain is intact: 0002's pristine moved onto preupd-0003 when it was promoted.
    expect(status.pristine.map((p: { name: string }) => p.name)).toEqual([
      `${c.container}/preupd-0003@install`,
      `${c.container}/preupd-0003@preupd-pristine-0002`,
      `${c.container}/preupd-0003@preupd-pristine-0003`,
    ]);
    withMountedBe(c, 'preupd-0003', (root) => {
      expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toBe('Welcome to OpenIndiana\n');
      expect(readFileSync(join(root, 'usr/bin/second'), 'utf8')).toBe('second update\n');
    });
  }, 120_000);

  it('a stage killed half-way leaves a marked BE that the next stage removes; an unmarked one is refused', async () => {
    // What a stage killed after creating its BE and the running root's snapshot leaves (the
    // promotions above moved @install onto preupd-0003).
    const leftover = `${c.container}/preupd-0004`;
    c.zfs('clone', '-o', 'org.preupd:stage-in-progress=20260101T000000Z', `${c.container}/preupd-0003@install`, leftover);
    c.zfs('snapshot', `${c.container}/be0@preupd-stage-20260101T000000Z`);
    writeTree(c.updateDir, { 'usr/bin/third': 'third\n' });
    // The dry run too: it prints the removal and goes on as the real run does.
    const { dry, real: staged } = await stageTwice();
    expect(dry.stdout).toContain('# preupd-0004 is left from a stage interrupted at 20260101T000000Z: removing it\n');
    expect(staged.stdout).toContain('# preupd-0004 is left from a stage interrupted at 20260101T000000Z: removing it\n');
    expect(datasets()).not.toContain('be0@preupd-stage-20260101T000000Z');
    const status = JSON.parse((await c.preupd('status', '--json')).stdout);
    expect(status.staged).toMatchObject([{ be: 'preupd-0004', status: 'staged' }]);
    // A finished stage clears its mark.
    expect(c.zfs('get', '-H', '-o', 'value', 'org.preupd:stage-in-progress', leftover).trim()).toBe('-');
    // A dataset preupd did not make is not preupd's to destroy.
    c.zfs('clone', `${c.container}/preupd-0004@install`, `${c.container}/preupd-0005`);
    writeTree(c.updateDir, { 'usr/bin/fifth': 'fifth\n' });
    const refused = await c.preupd('stage');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`preupd: ${c.container}/preupd-0005: exists but was not made by a preupd stage: destroy or rename it, then stage again\n`);
    expect(datasets()).toContain(`${c.container}/preupd-0005`);
  }, 120_000);

  it('a stage stopped after recording its BE (activation failed) is finished by the next stage', async () => {
    destroyWhenNotBusy(c, `${c.container}/preupd-0005`);
    writeTree(c.updateDir, { 'usr/bin/sixth': 'sixth\n' });
    // zfs-fuse's zpool get has no -H: NAME PROPERTY VALUE SOURCE, then the row.
    const bootfs = () => execFileSync('zpool', ['get', 'bootfs', c.pool.name], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[2];
    c.env.PREUPD_FAKE_BEADM_FAIL = 'activate';
    try {
      const stopped = await c.preupd('stage');
      expect([stopped.status, stopped.stderr]).toEqual([3, expect.stringMatching(/beadm activate preupd-0005: exit 1: beadm: simulated failure of activate/)]);
    } finally {
      delete c.env.PREUPD_FAKE_BEADM_FAIL;
    }
    // Recorded before the activation: the BE stays, the state knows it and what was asked.
    expect(bootfs()).toBe(`${c.container}/preupd-0004`);
    const recorded = JSON.parse((await c.preupd('status', '--json')).stdout);
    expect(recorded.staged).toMatchObject([
      { be: 'preupd-0004', status: 'staged' },
      { be: 'preupd-0005', status: 'staging', activated: true },
    ]);
    // The dry run finishes it too, and goes on from the state that leaves: each destroy once.
    const dry = await c.preupd('stage', '--dry-run');
    expect([dry.status, dry.stderr]).toEqual([0, '']);
    expect(commands(dry.stdout).filter((line) => line === '+ beadm destroy -Fs preupd-0004')).toHaveLength(1);
    const next = await c.preupd('stage');
    expect([next.status, next.stderr]).toEqual([0, '']);
    expect(next.stdout).toContain('# preupd-0005 is left from a stage interrupted at ');
    expect(commands(next.stdout).slice(0, 5)).toEqual([
      '+ beadm activate preupd-0005',
      '+ zfs clone -o canmount=off -o org.preupd:keep-origin=POOL/ROOT/preupd-0005@preupd-pristine-0004 POOL/ROOT/preupd-0005@preupd-pristine-0004 POOL/preupd-keep-origin',
      '+ beadm destroy -Fs preupd-0004',
      '+ zfs destroy POOL/preupd-keep-origin',
      '+ zfs destroy -r POOL/ROOT/be0@preupd-stage-STAMP',
    ]);
    expect(bootfs()).toBe(`${c.container}/preupd-0005`);
    const settled = JSON.parse((await c.preupd('status', '--json')).stdout);
    expect(settled.staged).toMatchObject([{ be: 'preupd-0005', status: 'staged', activated: true }]);
  }, 120_000);

  it('a recorded BE destroyed outside preupd is forgotten, with its stage snapshot and pristine', async () => {
    writeTree(c.updateDir, { 'usr/bin/seventh': 'seventh\n' });
    c.env.PREUPD_FAKE_BEADM_FAIL = 'activate';
    try {
      expect((await c.preupd('stage')).status).toBe(3);
    } finally {
      delete c.env.PREUPD_FAKE_BEADM_FAIL;
    }
    expect(JSON.parse((await c.preupd('status', '--json')).stdout).staged).toMatchObject([{ be: 'preupd-0005' }, { be: 'preupd-0006', status: 'staging' }]);
    const stageSnapshots = datasets().split('\n').filter((name) => name.includes('@preupd-stage-'));
    // The admin gives up on it: its pristine goes with it.
    destroyWhenNotBusy(c, `${c.container}/preupd-0006`);
    const { real: next } = await stageTwice();
    expect(next.stdout).toMatch(/^# preupd-0006 is recorded but \S+\/ROOT\/preupd-0006 is gone: forgetting it\n/);
    // preupd-0006 again: the chain ends at preupd-0005's pristine once the lost one is forgotten.
    expect(next.stdout).toMatch(/staged preupd-0006 \(0 conflicts, activated; replaced preupd-0005\)/);
    expect(datasets().split('\n').filter((name) => stageSnapshots.includes(name))).toEqual([]);
    const status = JSON.parse((await c.preupd('status', '--json')).stdout);
    expect(status.staged).toMatchObject([{ be: 'preupd-0006', status: 'staged', activated: true }]);
    expect(status.pristine.map((p: { name: string }) => p.name.replace(/.*@/, ''))).toEqual(['install', 'preupd-pristine-0002', 'preupd-pristine-0003', 'preupd-pristine-0004', 'preupd-pristine-0005', 'preupd-pristine-0006']);
  }, 120_000);
});
