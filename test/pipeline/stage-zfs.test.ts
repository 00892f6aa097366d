/**
 * The whole cycle without beadm on a real (zfs-fuse) pool: init, the stage --dry-run golden
 * sequence, stage --activate --json (clone,
 * pkg -R update, pristine snapshot, reintegration, SMF service, menu.lst, bootfs, promote),
 * status, a late edit in the old BE, "booting" the new BE, boot-finish, prune.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { createCycle, destroyWhenNotBusy, writeTree, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();

/** Dry-run command lines with the run's variable parts (pool, temp dirs, stamp, uuid) named. */
function dryRunCommands(c: Cycle, stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('+ ') || line.startsWith('# '))
    .map((line) =>
      line
        .replaceAll(c.pool.mountpoint, 'POOLMNT')
        .replaceAll(c.pool.name, 'POOL')
        .replace(/\S*\/test\/fixtures\/bin\//g, '')
        .replace(/\/tmp\/preupd-(stage|view)-\w+/g, 'TMP')
        .replace(/\d{8}T\d{6}Z/g, 'STAMP')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID'),
    );
}

describe.skipIf(unusable !== undefined)(`the cycle without beadm, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  beforeAll(() => {
    c = createCycle('cycle', { beadm: false });
  });
  afterAll(() => c?.cleanup());

  it('refuses bad input with one line and exit 2, changing nothing', async () => {
    const before = c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.pool.name);
    const notClone = await c.preupd('init');
    expect([notClone.status, notClone.stderr]).toEqual([2, `preupd: ${c.container}/be0: the running BE is not a clone: name its pristine snapshot with --base-snapshot\n`]);
    const badName = await c.preupd('init', '--base-snapshot', `${c.container}/be0@in stall`);
    expect(badName.status).toBe(2);
    expect(badName.stderr).toMatch(/not a valid ZFS snapshot name: invalid character " "\n$/);
    // An empty value is a usage error (src/cli/main.ts refuses empty string options).
    const empty = await c.preupd('init', '--base-snapshot', '');
    expect([empty.status, empty.stderr]).toEqual([2, 'preupd: --base-snapshot needs a value\n']);
    const early = await c.preupd('stage');
    expect([early.status, early.stderr.split('\n').length]).toEqual([2, 2]);
    expect(c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.pool.name)).toBe(before);
  }, 60_000);

  it('init adopts be0@install, stage --activate makes preupd-0002 with the update and the admin edit', async () => {
    const init = await c.preupd('init', '--base-snapshot', `${c.container}/be0@install`);
    expect([init.status, init.stderr]).toEqual([0, '']);
    expect((await c.preupd('init', '--base-snapshot', `${c.container}/be0@install`)).stdout).toMatch(/already initialised/);
    writeFileSync(join(c.live, 'etc/hosts'), '127.0.0.1 localhost\n10.0.0.2 nas\n');
    writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n', 'usr/bin/newtool': 'new\n' });
    const before = c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.pool.name);
    const dry = await c.preupd('stage', '--dry-run', '--activate');
    expect([dry.status, dry.stderr]).toEqual([0, '']);
    expect(dryRunCommands(c, dry.stdout)).toEqual([
      // spec/illumos.md §5.4 and §6, libbe without beadm: clone the pristine snapshot as a BE,
      // add its menu entry, mount it, pkg -R, snapshots, first-boot service, unmount, activate.
      '+ zfs clone -o canmount=noauto -o org.opensolaris.libbe:uuid=UUID POOL/ROOT/be0@install POOL/ROOT/preupd-0002',
      '# POOLMNT/boot/grub/menu.lst: add entry "preupd 0002" for POOL/ROOT/preupd-0002, keeping POOL/ROOT/be0 the default',
      '+ zfs set org.preupd:stage-in-progress=STAMP POOL/ROOT/preupd-0002',
      '+ zfs set org.preupd:saved-mountpoint=inherited POOL/ROOT/preupd-0002',
      '+ zfs set mountpoint=TMP POOL/ROOT/preupd-0002',
      '+ zfs mount POOL/ROOT/preupd-0002',
      '+ pkg -R TMP refresh',
      '# POOL/ROOT/be0@install is not reachable through .zfs/snapshot: assuming updates are available',
      '+ pkg -R TMP update -f --accept --parsable=0',
      '+ zfs snapshot -r POOL/ROOT/preupd-0002@preupd-pristine-0002',
      '+ zfs snapshot -r POOL/ROOT/be0@preupd-stage-STAMP',
      '# plan POOL/ROOT/be0@install / POOL/ROOT/be0@preupd-stage-STAMP / POOL/ROOT/preupd-0002@preupd-pristine-0002 and reintegrate into TMP (needs the updated BE: not in a dry run)',
      '# copy the SMF repository POOL/ROOT/be0@preupd-stage-STAMP/etc/svc/repository.db to TMP/etc/svc/repository.db',
      '# install TMP/var/svc/manifest/site/preupd-finish-STAMP.xml (mode 444)',
      '# install TMP/lib/svc/method/preupd-finish-STAMP (mode 555)',
      '+ bootadm update-archive -R TMP',
      '+ zfs unmount POOL/ROOT/preupd-0002',
      '+ zfs inherit mountpoint POOL/ROOT/preupd-0002',
      '+ zfs inherit org.preupd:saved-mountpoint POOL/ROOT/preupd-0002',
      '+ zfs snapshot -r POOL/ROOT/preupd-0002@preupd-staged-STAMP',
      '+ zfs inherit org.preupd:stage-in-progress POOL/ROOT/preupd-0002',
      '# POOLMNT/boot/grub/menu.lst: boot POOL/ROOT/preupd-0002 by default',
      '+ zpool set bootfs=POOL/ROOT/preupd-0002 POOL',
      '+ zfs promote POOL/ROOT/preupd-0002',
    ]);
    expect(c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.pool.name)).toBe(before);
    const stage = await c.preupd('stage', '--activate', '--json');
    expect(stage.status).toBe(0);
    // --json: one JSON document on stdout, the commands on stderr.
    const result = JSON.parse(stage.stdout);
    expect(result).toMatchObject({ kind: 'staged', staged: { be: 'preupd-0002', status: 'staged', activated: true, conflicts: 0 }, replaced: [] });
    expect(result.pass.plan.steps.map((s: { path: string; rule: string; outcome: string }) => [s.path, s.rule, s.outcome])).toEqual([
      ['/etc/hosts', 'R2', 'carried'],
    ]);
    expect(stage.stderr).toMatch(/^\+ zfs clone /m);
    expect(c.zfs('get', '-H', '-o', 'value', 'origin', `${c.container}/preupd-0002`).trim()).toBe('-');
    // No menu.lst before: be0, what the pool booted, got an entry first; activation made preupd-0002 the default.
    expect(readFileSync(join(c.pool.mountpoint, 'boot/grub/menu.lst'), 'utf8')).toMatch(/^default 1\ntitle be0\nbootfs .*\/ROOT\/be0\n[^]*\ntitle preupd 0002\nbootfs .*\/ROOT\/preupd-0002\n/);
    // pkg's plan said no rebuild and no boot-archive file was reintegrated: no bootadm.
    expect(c.log().filter((call) => call.startsWith('bootadm'))).toEqual([]);
  }, 120_000);

  it('status shows the chain, the running base and the staged BE', async () => {
    const status = await c.preupd('status', '--json');
    const json = JSON.parse(status.stdout);
    expect(json.running).toEqual({ be: 'be0', recorded: 'be0', base: `${c.container}/preupd-0002@install` });
    expect(json.pristine.map((p: { name: string }) => p.name)).toEqual([
      `${c.container}/preupd-0002@install`,
      `${c.container}/preupd-0002@preupd-pristine-0002`,
    ]);
    expect(json.staged).toMatchObject([{ be: 'preupd-0002', status: 'staged', activated: true, conflicts: 0 }]);
    expect((await c.preupd('status')).stdout).toMatch(/preupd-0002  staged, activated, 0 conflicts/);
  }, 60_000);

  it('a held lock is exit 2 naming its holder', async () => {
    const lock = join(c.stateDir, 'preupd.lock');
    writeFileSync(lock, `${JSON.stringify({ pid: process.pid, host: hostname(), command: 'stage', since: 'now' })}\n`);
    try {
      const held = await c.preupd('prune');
      expect([held.status, held.stderr]).toEqual([2, `preupd: ${lock}: held by stage (pid ${process.pid} on ${hostname()} since now)\n`]);
    } finally {
      rmSync(lock);
    }
  }, 60_000);

  it('boot-finish carries an edit made after staging, once', async () => {
    writeFileSync(join(c.live, 'etc/late.conf'), 'made after staging\n');
    const root = bootInto(c, 'preupd-0002');
    const finish = await c.preupd('boot-finish');
    expect([finish.status, finish.stderr]).toEqual([0, '']);
    expect(readFileSync(join(root, 'etc/late.conf'), 'utf8')).toBe('made after staging\n');
    expect(readFileSync(join(root, 'etc/hosts'), 'utf8')).toContain('10.0.0.2 nas');
    // boot-finish leaves the service's files to its method; they are named after the stage.
    const { stageId } = JSON.parse(readFileSync(join(c.stateDir, 'state.json'), 'utf8')).staged.find((s: { be: string }) => s.be === 'preupd-0002');
    expect(stageId).toMatch(/^\d{8}T\d{6}Z$/);
    expect(existsSync(join(root, `lib/svc/method/preupd-finish-${stageId}`))).toBe(true);
    expect(existsSync(join(root, `var/svc/manifest/site/preupd-finish-${stageId}.xml`))).toBe(true);
    expect((await c.preupd('boot-finish')).stdout).toBe('preupd-0002: nothing to finish\n');
    // A plain init now keeps the recorded base (preupd-0002's origin is not its base).
    const state = readFileSync(join(c.stateDir, 'state.json'), 'utf8');
    const init = await c.preupd('init');
    expect([init.status, init.stdout]).toEqual([0, `already initialised: preupd-0002 on ${c.container}/preupd-0002@preupd-pristine-0002\n`]);
    expect(readFileSync(join(c.stateDir, 'state.json'), 'utf8')).toBe(state);
  }, 120_000);

  it('prune keeps the running base and dependents, destroys the rest; --dry-run destroys nothing', async () => {
    const install = `${c.container}/preupd-0002@install`;
    // be0 is a clone of install (activation promoted preupd-0002): a dependent.
    const first = await c.preupd('prune', '--keep', '1');
    expect(first.stdout).toContain(`keep ${install} (has dependent clones)`);
    // The second pass is done: its staged snapshot is not needed any more (be0's go with be0).
    expect(first.stdout).toMatch(new RegExp(`^destroyed ${c.container}/preupd-0002@preupd-staged-\\d{8}T\\d{6}Z \\(a finished stage\\)$`, 'm'));
    destroyWhenNotBusy(c, `${c.container}/be0`);
    // The last --keep counts (yargs-parser made `--keep 3 --keep 1` 4: found by review).
    const dry = await c.preupd('prune', '--keep', '3', '--keep', '1', '--dry-run');
    expect(dry.stdout).toContain(`+ zfs destroy -r ${install}\n`);
    expect(dry.stdout).toContain(`would destroy ${install}\n`);
    expect(c.zfs('list', '-H', '-o', 'name', '-t', 'snapshot', '-r', c.container)).toContain(install);
    const real = await c.preupd('prune', '--keep', '1');
    expect(real.stdout).toContain(`keep ${c.container}/preupd-0002@preupd-pristine-0002 (the running BE's base)`);
    expect(c.zfs('list', '-H', '-o', 'name', '-t', 'snapshot', '-r', c.container).trim()).toBe(`${c.container}/preupd-0002@preupd-pristine-0002`);
    expect(JSON.parse((await c.preupd('status', '--json')).stdout).pristine).toHaveLength(1);
  }, 120_000);

  it('stage --json with nothing to update: JSON on stdout, the clone made and destroyed on stderr', async () => {
    const before = c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.pool.name);
    const none = await c.preupd('stage', '--json');
    expect([none.status, JSON.parse(none.stdout)]).toEqual([0, { kind: 'no-updates' }]);
    expect(none.stderr).toMatch(/^\+ zfs clone .*preupd-0002@preupd-pristine-0002 \S+\/ROOT\/preupd-0003\n/);
    expect(none.stderr).toMatch(/\n\+ zfs destroy -r \S+\/ROOT\/preupd-0003\n/);
    expect(c.zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', c.pool.name)).toBe(before);
  }, 60_000);
});

/**
 * What booting does, as far as preupd sees it: the new BE is mounted on the root path. The
 * root path moves to the BE's inherited mountpoint instead of giving it a local one: a clone
 * copies a local mountpoint, and zfs-fuse mounts a new clone despite canmount=noauto.
 */
function bootInto(c: Cycle, be: string): string {
  const dataset = `${c.container}/${be}`;
  if (c.zfs('get', '-H', '-o', 'value', 'mounted', dataset).trim() !== 'yes') c.zfs('mount', dataset);
  const root = c.zfs('get', '-H', '-o', 'value', 'mountpoint', dataset).trim();
  c.env.PREUPD_ROOT = root;
  c.env.PREUPD_FAKE_BE_RUNNING = be;
  return root;
}
