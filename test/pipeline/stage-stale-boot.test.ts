/**
 * A stale unbooted BE (staged from another BE than the running one) that the pool boots next:
 * the new stage is to take its place. When the stage makes no new BE (no updates, a failure),
 * the pool must not be left booting it: its first pass carried another BE's files and its
 * second pass would diff that BE, losing the edits made in the running one
 * (spec/reintegration.md "Safety"). The running BE boots next again and the stale BE is
 * recorded not activated; --dry-run prints the same commands. With beadm, and without it
 * (pool bootfs and menu.lst).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_BIN } from '../fixtures/stand-ins.js';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { bootInto, createCycle, mountBe, withMountedBe, writeTree, preupdOk, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();

/** The line a stage says when the running BE boots next instead of the stale one. */
const INSTEAD = '# no new BE takes the place of preupd-0003, which the pool boots next but which was staged from another BE: activating the running be0 instead';

/**
 * The pool boots preupd-0003, staged from preupd-0002; the admin boots be0 from the menu once
 * (beadm is not asked: the pool still boots preupd-0003) and edits it.
 */
async function staleBootScenario(name: string, beadm: boolean): Promise<Cycle> {
  const c = createCycle(name, { beadm });
  await preupdOk(c, 'init', '--base-snapshot', `${c.container}/be0@install`);
  writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n' });
  await preupdOk(c, 'stage', '--activate');
  bootInto(c, 'preupd-0002');
  await preupdOk(c, 'boot-finish');
  writeTree(c.updateDir, { 'usr/bin/second': 'second\n' });
  await preupdOk(c, 'stage', '--activate');
  writeTree(bootInto(c, 'be0'), { 'etc/motd.local': 'written in be0\n' });
  return c;
}

const bootfsOf = (c: Cycle) => execFileSync('zpool', ['get', 'bootfs', c.pool.name], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[2];

for (const beadm of [true, false]) {
  describe.skipIf(unusable !== undefined)(`a stale BE the pool boots next, ${beadm ? 'with' : 'without'} beadm, on real zfs ${unusable ?? ''}`, () => {
    let c: Cycle;
    const datasets = () => c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.container);
    // zfs-fuse's zpool get has no -H: NAME PROPERTY VALUE SOURCE, then the row.
    const bootfs = () => bootfsOf(c);
    /** The bootfs of menu.lst's default entry (the zfs backend's; beadm's stand-in keeps none). */
    const menuDefault = () => {
      const menu = readFileSync(join(c.pool.mountpoint, 'boot/grub/menu.lst'), 'utf8');
      const entry = menu.split(/^title /m).slice(1)[Number(/^default (\d+)$/m.exec(menu)?.[1] ?? 0)];
      return /^bootfs (\S+)$/m.exec(entry ?? '')?.[1];
    };
    const status = async () => JSON.parse((await c.preupd('status', '--json')).stdout);
    const ok = (...args: string[]) => preupdOk(c, ...args);
    /** What a run executes (or, dry, would) from the INSTEAD line on, the run's variable parts named. */
    const fromInstead = (stdout: string) =>
      stdout
        .slice(stdout.indexOf(INSTEAD))
        .split('\n')
        .filter((line) => line.startsWith('+ ') || line.startsWith('# '))
        .map((line) => line.replaceAll(`${STAND_IN_BIN}/`, '').replaceAll(c.pool.mountpoint, 'POOLMNT').replaceAll(c.pool.name, 'POOL'));
    /**
     * Runs `fn` while `snapshot` is reachable as `.zfs/snapshot/<name>` in its mounted file
     * system, as on illumos (zfs-fuse has none): a dry run asks pkg about it there.
     */
    const withSnapshotDir = async <T>(snapshot: string, fn: () => Promise<T>): Promise<T> => {
      const [dataset, name] = snapshot.split('@') as [string, string];
      const be = dataset.slice(c.container.length + 1);
      const dir = join(mountBe(c, be), '.zfs');
      mkdirSync(join(dir, 'snapshot', name), { recursive: true });
      try {
        return await fn();
      } finally {
        rmSync(dir, { recursive: true });
        c.zfs('unmount', dataset);
      }
    };

    beforeAll(async () => {
      c = await staleBootScenario(beadm ? 'staleboot' : 'stalebootzfs', beadm);
    }, 120_000);
    afterAll(() => c?.cleanup());

    it('a stage with no updates makes the running BE boot next, and records the stale BE not activated', async () => {
      expect(bootfs()).toBe(`${c.container}/preupd-0003`);
      const before = await status();
      expect(before.staged).toMatchObject([{ be: 'preupd-0002', status: 'finished' }, { be: 'preupd-0003', status: 'staged', activated: true }]);
      const pool = datasets();
      const state = readFileSync(join(c.stateDir, 'state.json'), 'utf8');
      c.env.PREUPD_FAKE_PKG_UPDATE = join(c.updateDir, '..', 'no-update');
      let dry, real;
      try {
        dry = await withSnapshotDir(before.pristine.at(-1).name, () => ok('stage', '--dry-run'));
        // The dry run says what it would do and changes nothing.
        expect(dry.stdout).toMatch(/\nno updates available\n$/);
        expect(bootfs()).toBe(`${c.container}/preupd-0003`);
        expect([datasets(), readFileSync(join(c.stateDir, 'state.json'), 'utf8')]).toEqual([pool, state]);
        real = await ok('stage');
      } finally {
        c.env.PREUPD_FAKE_PKG_UPDATE = c.updateDir;
      }
      expect(real.stdout).toMatch(/\nno updates available\n$/);
      expect(real.stdout).toContain(`${INSTEAD}\n`);
      expect(real.stdout).toMatch(/^# preupd-0003 was staged from another BE than the running be0 \(\S+\): the pool boots it next: a new BE takes its place, else the running be0 does$/m);
      expect(fromInstead(dry.stdout)).toEqual(fromInstead(real.stdout));
      expect(fromInstead(real.stdout)).toEqual(
        beadm
          ? [INSTEAD, '+ beadm activate be0']
          : [INSTEAD, '# POOLMNT/boot/grub/menu.lst: boot POOL/ROOT/be0 by default', '+ zpool set bootfs=POOL/ROOT/be0 POOL', '+ zfs promote POOL/ROOT/be0'],
      );
      expect(bootfs()).toBe(`${c.container}/be0`);
      if (!beadm) expect(menuDefault()).toBe(`${c.container}/be0`);
      const after = await status();
      expect(after.staged).toMatchObject([{ be: 'preupd-0002', status: 'finished' }, { be: 'preupd-0003', status: 'staged', activated: false }]);
      // Activation promoted be0, whose origin no longer names its base: the state records it.
      expect(after.running).toMatchObject({ be: 'be0', recorded: 'be0' });
      expect(after.running.base).toBe(`${c.container}/be0@install`);
    }, 120_000);

    it('a stage that fails does the same, when the admin activated the stale BE again', async () => {
      execFileSync(join(STAND_IN_BIN, 'beadm'), ['activate', 'preupd-0003'], { env: c.env });
      expect(bootfs()).toBe(`${c.container}/preupd-0003`);
      writeTree(c.updateDir, { 'usr/bin/third': 'third\n' });
      c.env.PREUPD_FAKE_PKG_FAIL = '1';
      let failed;
      try {
        failed = await c.preupd('stage');
      } finally {
        delete c.env.PREUPD_FAKE_PKG_FAIL;
      }
      expect([failed.status, failed.stderr]).toEqual([3, expect.stringContaining('pkg: simulated failure')]);
      expect(failed.stdout).toContain(`${INSTEAD}\n`);
      expect(bootfs()).toBe(`${c.container}/be0`);
      expect((await status()).staged).toMatchObject([{ be: 'preupd-0002' }, { be: 'preupd-0003', status: 'staged', activated: false }]);
    }, 120_000);

    it('the next stage replaces the stale BE, carrying the edit made in be0, and activates nothing', async () => {
      const next = await ok('stage');
      expect(next.stdout).not.toContain(INSTEAD);
      expect(next.stdout).toMatch(/staged preupd-0004 \(0 conflicts; replaced preupd-0003\)/);
      expect(bootfs()).toBe(`${c.container}/be0`);
      expect(datasets()).not.toMatch(/ROOT\/preupd-0003\b/);
      expect((await status()).staged).toMatchObject([{ be: 'preupd-0002' }, { be: 'preupd-0004', status: 'staged', activated: false }]);
      withMountedBe(c, 'preupd-0004', (root) => {
        expect(readFileSync(join(root, 'etc/motd.local'), 'utf8')).toBe('written in be0\n');
        expect(readFileSync(join(root, 'usr/bin/third'), 'utf8')).toBe('third\n');
      });
    }, 120_000);
  });
}

// Activation promotes be0, after which its origin no longer names its base: the state must
// know the base before it, or every later stage failed (exit 2, base unknown).
describe.skipIf(unusable !== undefined)(`a stage killed right after activating the running BE instead, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  beforeAll(async () => {
    c = await staleBootScenario('stalekill', true);
  }, 120_000);
  afterAll(() => c?.cleanup());

  it('leaves a state the next stage goes on from', async () => {
    const killing = join(c.stateDir, '..', 'beadm-killing');
    writeFileSync(killing, `#!/bin/sh\n${join(STAND_IN_BIN, 'beadm')} "$@"\nrc=$?\n[ "$1" = activate ] && kill -9 $PPID\nexit $rc\n`, { mode: 0o755 });
    const noUpdate = join(c.updateDir, '..', 'no-update');
    const killed = spawnSync('node', [resolve(import.meta.dirname, '../../bin/preupd'), 'stage'], { env: { ...c.env, PREUPD_BEADM: killing, PREUPD_FAKE_PKG_UPDATE: noUpdate }, encoding: 'utf8' });
    expect([killed.signal, killed.stdout]).toEqual(['SIGKILL', expect.stringContaining(`+ ${killing} activate be0`)]);
    expect(bootfsOf(c)).toBe(`${c.container}/be0`);
    c.env.PREUPD_FAKE_PKG_UPDATE = noUpdate;
    expect((await preupdOk(c, 'stage')).stdout).toMatch(/\nno updates available\n$/);
    const after = JSON.parse((await c.preupd('status', '--json')).stdout);
    expect(after.running).toMatchObject({ be: 'be0', recorded: 'be0', base: `${c.container}/be0@install` });
    expect(after.staged).toMatchObject([{ be: 'preupd-0002' }, { be: 'preupd-0003', status: 'staged', activated: false }]);
  }, 120_000);
});
