/**
 * The demo's sample system on the directory backend (dir-zfs-store.ts), where zfs cannot
 * be used: the same layout as demo-pool.ts, made of directories and copies.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoPool } from './demo-pool.js';
import { DirZfsStore } from './dir-zfs-store.js';

export function createDirDemoPool(baseTree: string, say: (line: string) => void): DemoPool {
  const work = mkdtempSync(join(tmpdir(), 'preupd-demo-'));
  const storeDir = join(work, 'store');
  mkdirSync(storeDir);
  const pool = 'demo';
  const container = `${pool}/ROOT`;
  const live = join(work, 'roots', 'be0');
  const store = new DirZfsStore(storeDir);
  const step = (line: string, fn: () => void) => {
    say(`$ ${line}`);
    fn();
    store.save();
  };
  step(`(directory backend) zpool create -m ${join(work, 'pool')} ${pool}`, () => store.create(pool, { mountpoint: join(work, 'pool') }));
  mkdirSync(join(work, 'pool', 'boot', 'grub'), { recursive: true });
  step(`zfs create -o mountpoint=${join(work, 'roots')} ${container}`, () => store.create(container, { mountpoint: join(work, 'roots') }));
  step(`zfs create ${container}/be0`, () => store.create(`${container}/be0`, {}));
  // What the installer sets: the pool boots be0 (menu.lst comes with the first BE preupd adds).
  step(`zpool set bootfs=${container}/be0 ${pool}`, () => store.setPoolProperty('bootfs', `${container}/be0`));
  step(`cp -a ${baseTree}/. ${live}`, () => execFileSync('cp', ['-a', `${baseTree}/.`, live]));
  step(`zfs snapshot ${container}/be0@install`, () => store.snapshot(`${container}/be0@install`, false));
  const config = join(work, 'preupd.conf');
  writeFileSync(config, `${JSON.stringify({ pool, beContainer: container, stateDataset: `${pool}/preupd`, stateMountpoint: join(work, 'state') }, null, 2)}\n`);
  return {
    pool,
    container,
    work,
    live,
    config,
    env: { PREUPD_DIR_ZFS: storeDir },
    boot(be) {
      const again = new DirZfsStore(storeDir);
      say(`$ zfs set mountpoint=${live}-old ${container}/be0`);
      again.set(`${container}/be0`, 'mountpoint', `${live}-old`);
      say(`$ zfs set mountpoint=${live} ${container}/${be}`);
      again.set(`${container}/${be}`, 'mountpoint', live);
      say(`$ zfs mount ${container}/${be}`);
      again.mount(`${container}/${be}`);
      again.save();
    },
    destroy: () => rmSync(work, { recursive: true, force: true }),
  };
}
