import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptRunning, emptyState } from '../../src/pipeline/state.js';
import { syncSnapshotNames } from '../../src/pipeline/state-snapshots.js';
import { ZfsBootEnvironments } from '../../src/system/be-zfs.js';
import { defaultBootfs, menuEntries, parseMenu } from '../../src/system/menu-lst.js';
import { createProcessRunner } from '../../src/system/process-runner.js';
import { Zfs } from '../../src/system/zfs.js';
import { createTestPool, zfsUnusableReason, type TestPool } from '../fixtures/zfs-pool.js';

const skip = zfsUnusableReason();

describe.skipIf(skip !== undefined)(`boot environments through zfs on a real pool${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pool: TestPool;
  let zfs: Zfs;
  let bes: ZfsBootEnvironments;
  let menuPath: string;
  let altroot: string;
  const ds = (rel: string) => `${pool.name}/${rel}`;
  const menu = () => parseMenu(readFileSync(menuPath, 'utf8'));

  beforeAll(() => {
    pool = createTestPool('be');
    for (const rel of ['ROOT', 'ROOT/osol', 'ROOT/osol/var']) execFileSync('zfs', ['create', ds(rel)]);
    writeFileSync(join(pool.mountpoint, 'ROOT', 'osol', 'var', 'marker'), 'from osol\n');
    menuPath = join(pool.mountpoint, 'boot', 'grub', 'menu.lst');
    mkdirSync(join(pool.mountpoint, 'boot', 'grub'), { recursive: true });
    writeFileSync(menuPath, `default 0\ntimeout 3\ntitle osol\nfindroot (pool_${pool.name},0,a)\nbootfs ${ds('ROOT/osol')}\nkernel$ /k\nmodule$ /m\n`);
    zfs = new Zfs(createProcessRunner());
    bes = new ZfsBootEnvironments(zfs, createProcessRunner(), { pool: pool.name, container: ds('ROOT'), menuPath });
    altroot = mkdtempSync('/var/tmp/preupd-altroot-');
  });
  afterAll(() => {
    pool?.destroy();
    if (altroot) rmSync(altroot, { recursive: true, force: true });
  });

  it('creates a BE from a BE snapshot: clones with canmount=noauto, a libbe uuid, a menu entry', async () => {
    await zfs.snapshot(ds('ROOT/osol@preupd-pristine-0002'), { recursive: true });
    await bes.create('preupd-0002', { be: 'osol', snapshot: 'preupd-pristine-0002' }, 'preupd 0002');
    expect(await zfs.getProperty(ds('ROOT/preupd-0002'), 'canmount')).toBe('noauto');
    expect(await zfs.getProperty(ds('ROOT/preupd-0002/var'), 'origin')).toBe(ds('ROOT/osol/var@preupd-pristine-0002'));
    const list = await bes.list();
    expect(list.map((be) => be.name)).toEqual(['osol', 'preupd-0002']);
    expect(list[1]?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(menuEntries(menu()).map((entry) => entry.bootfs)).toEqual([ds('ROOT/osol'), ds('ROOT/preupd-0002')]);
  });

  it('mounts the BE with its children on an alternate root and restores its mountpoint on unmount', async () => {
    const before = await zfs.get([ds('ROOT/preupd-0002')], ['mountpoint']);
    await bes.mount('preupd-0002', altroot);
    expect(readFileSync(join(altroot, 'var', 'marker'), 'utf8')).toBe('from osol\n');
    await bes.unmount('preupd-0002');
    expect(existsSync(join(altroot, 'var', 'marker'))).toBe(false);
    expect(await zfs.get([ds('ROOT/preupd-0002')], ['mountpoint'])).toEqual(before);
    expect(await zfs.getProperty(ds('ROOT/preupd-0002'), 'org.preupd:saved-mountpoint')).toBeUndefined();
  });

  it('activates: menu default, pool bootfs, and promotion that moves the snapshots by guid', async () => {
    const guid = await zfs.getProperty(ds('ROOT/osol@preupd-pristine-0002'), 'guid');
    await bes.activate('preupd-0002');
    expect(defaultBootfs(menu())).toBe(ds('ROOT/preupd-0002'));
    expect(await zfs.poolProperty(pool.name, 'bootfs')).toBe(ds('ROOT/preupd-0002'));
    expect((await bes.list()).find((be) => be.activeOnReboot)?.name).toBe('preupd-0002');
    expect(await zfs.getProperty(ds('ROOT/preupd-0002@preupd-pristine-0002'), 'guid')).toBe(guid);
    expect(await zfs.getProperty(ds('ROOT/osol'), 'origin')).toBe(ds('ROOT/preupd-0002@preupd-pristine-0002'));
    expect(await zfs.getProperty(ds('ROOT/osol/var'), 'origin')).toBe(ds('ROOT/preupd-0002/var@preupd-pristine-0002'));
    // The state file follows the pristine snapshot to its new name by guid.
    const state = adoptRunning(emptyState(), 'osol', { guid: guid!, name: ds('ROOT/osol@preupd-pristine-0002') }, '2026-12-04T00:00:00Z');
    const synced = await syncSnapshotNames(state, zfs, ds('ROOT'));
    expect(synced.state.pristine[0]?.name).toBe(ds('ROOT/preupd-0002@preupd-pristine-0002'));
    expect(synced.missing).toEqual([]);
  });

  it('destroys the old BE and keeps the menu default on the active one', async () => {
    await bes.destroy('osol');
    expect(await zfs.exists(ds('ROOT/osol'))).toBe(false);
    // Not the snapshot osol was cloned from (since the promotion), unlike libbe: preupd prunes its chain itself.
    expect(await zfs.exists(ds('ROOT/preupd-0002@preupd-pristine-0002'))).toBe(true);
    expect(await zfs.exists(ds('ROOT/preupd-0002/var@preupd-pristine-0002'))).toBe(true);
    expect(menuEntries(menu()).map((entry) => entry.bootfs)).toEqual([ds('ROOT/preupd-0002')]);
    expect(defaultBootfs(menu())).toBe(ds('ROOT/preupd-0002'));
    await expect(bes.destroy('preupd-0002')).rejects.toThrow(/default boot entry/);
  });
});
