import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessRunner } from '../../src/system/process-runner.js';
import { withSnapshotView } from '../../src/system/snapshot-view.js';
import { Zfs } from '../../src/system/zfs.js';
import { createTestPool, zfsUnusableReason, type TestPool } from '../fixtures/zfs-pool.js';

const skip = zfsUnusableReason();

describe.skipIf(skip !== undefined)(`zfs adapter on a real pool${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pool: TestPool;
  let zfs: Zfs;
  const ds = (rel: string) => `${pool.name}/${rel}`;

  beforeAll(() => {
    pool = createTestPool('zfs');
    zfs = new Zfs(createProcessRunner());
    // A BE with a child dataset, as libbe lays them out (spec/illumos.md §6); plain zfs create,
    // since creating is not what is under test. The tests below build on each other in order.
    for (const rel of ['ROOT', 'ROOT/be1', 'ROOT/be1/var']) execFileSync('zfs', ['create', ds(rel)]);
    mkdirSync(join(pool.mountpoint, 'ROOT', 'be1', 'etc'), { recursive: true });
  });
  afterAll(() => pool?.destroy());

  // Only where zfs is zfs-fuse started with its pidfile (not a kernel ZFS).
  it.skipIf(!existsSync('/var/run/zfs-fuse.pid'))('start-zfs.sh is idempotent: a second run keeps the running daemon', () => {
    const pid = readFileSync('/var/run/zfs-fuse.pid', 'utf8');
    execFileSync(join(import.meta.dirname, '..', 'fixtures', 'start-zfs.sh'));
    expect(readFileSync('/var/run/zfs-fuse.pid', 'utf8')).toBe(pid);
  });

  it('snapshots recursively, lists snapshots with exact guids and createtxg', async () => {
    await zfs.snapshot(ds('ROOT/be1@pristine-0001'), { recursive: true });
    const rows = await zfs.list({ roots: [ds('ROOT/be1')], type: 'snapshot', depth: 'all', properties: ['guid', 'createtxg'] });
    expect(rows.map((row) => row.name)).toEqual([ds('ROOT/be1@pristine-0001'), ds('ROOT/be1/var@pristine-0001')]);
    for (const row of rows) {
      expect(row.properties.guid).toMatch(/^\d{1,20}$/);
      expect(Number(row.properties.createtxg)).toBeGreaterThan(0);
    }
  });

  it('clones with properties, reads them back, and keeps the guid across promote', async () => {
    const before = await zfs.getProperty(ds('ROOT/be1@pristine-0001'), 'guid');
    await zfs.clone(ds('ROOT/be1@pristine-0001'), ds('ROOT/be2'), {
      canmount: 'noauto',
      'org.opensolaris.libbe:uuid': '0b5e5a6c-5f1f-4a2c-9c40-1a2b3c4d5e6f',
    });
    expect(await zfs.getProperty(ds('ROOT/be2'), 'canmount')).toBe('noauto');
    expect(await zfs.getProperty(ds('ROOT/be2'), 'origin')).toBe(ds('ROOT/be1@pristine-0001'));
    expect(await zfs.getProperty(ds('ROOT/be2'), 'org.opensolaris.libbe:uuid')).toBe('0b5e5a6c-5f1f-4a2c-9c40-1a2b3c4d5e6f');
    expect(await zfs.getProperty(ds('ROOT/be2'), 'com.example:unset')).toBeUndefined();

    await zfs.promote(ds('ROOT/be2'));
    // spec/illumos.md §6: the origin snapshot moves to the promoted clone, same guid, new name
    expect(await zfs.exists(ds('ROOT/be1@pristine-0001'))).toBe(false);
    expect(await zfs.getProperty(ds('ROOT/be2@pristine-0001'), 'guid')).toBe(before);
    expect(await zfs.getProperty(ds('ROOT/be1'), 'origin')).toBe(ds('ROOT/be2@pristine-0001'));
  });

  it('sets, inherits, unmounts and mounts', async () => {
    await zfs.set(ds('ROOT/be1'), { 'com.example:note': 'kept', atime: 'off' });
    expect(await zfs.getProperty(ds('ROOT/be1'), 'com.example:note')).toBe('kept');
    await zfs.inherit(ds('ROOT/be1'), 'com.example:note');
    expect(await zfs.getProperty(ds('ROOT/be1'), 'com.example:note')).toBeUndefined();
    await zfs.unmount(ds('ROOT/be1/var'));
    expect(await zfs.getProperty(ds('ROOT/be1/var'), 'mounted')).toBe('no');
    await zfs.mount(ds('ROOT/be1/var'));
    expect(await zfs.getProperty(ds('ROOT/be1/var'), 'mounted')).toBe('yes');
  });

  it('shows a snapshot as it was, through .zfs or a temporary clone that is then gone', async () => {
    const root = join(pool.mountpoint, 'ROOT', 'be1');
    writeFileSync(join(root, 'etc-motd'), 'changed after the snapshot\n');
    await zfs.snapshot(ds('ROOT/be1@view'));
    writeFileSync(join(root, 'etc-motd'), 'changed again\n');
    const seen = await withSnapshotView(zfs, ds('ROOT/be1@view'), async (dir) => readFileSync(join(dir, 'etc-motd'), 'utf8'));
    expect(seen).toBe('changed after the snapshot\n');
    const left = await zfs.list({ roots: [pool.name], depth: 'all', properties: [] });
    expect(left.map((row) => row.name).filter((name) => name.includes('preupd-view'))).toEqual([]);
  });

  it('destroys a snapshot, a BE with its children, and a snapshot with its dependent clones', async () => {
    await zfs.destroy(ds('ROOT/be1@view'));
    expect(await zfs.exists(ds('ROOT/be1@view'))).toBe(false);
    // zfs-fuse's -R cannot unmount a clone's mounted children ("dataset is busy"): BEs with
    // children go one by one with -r, as prune will do them.
    await zfs.destroy(ds('ROOT/be1'), { recursive: true });
    expect(await zfs.exists(ds('ROOT/be1/var'))).toBe(false);
    await zfs.clone(ds('ROOT/be2@pristine-0001'), ds('ROOT/leaf'));
    await zfs.destroy(ds('ROOT/be2@pristine-0001'), { dependents: true });
    expect(await zfs.exists(ds('ROOT/leaf'))).toBe(false);
    await zfs.destroy(ds('ROOT/be2'), { recursive: true });
    expect(readdirSync(join(pool.mountpoint, 'ROOT'))).toEqual([]);
  });
});
