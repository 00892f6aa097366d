/**
 * The demo's sample system (issue 6 item 4): a pool on a file under /var/tmp, a BE container,
 * `be0` "running" (mounted on a directory: nothing can be mounted on /), filled from
 * corpus/demo/base and snapshotted as `be0@install`. For `preupd demo` only: it runs zfs and
 * zpool directly and destroys everything again.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoPool {
  readonly pool: string;
  readonly container: string;
  readonly work: string;
  readonly live: string;
  readonly config: string;
  /** What this backend adds to the environment of the preupd runs. */
  readonly env: Readonly<Record<string, string>>;
  /** What booting `be` does to mounts: the old root moves away, `be` takes the root path. */
  boot(be: string): void;
  destroy(): void;
}

/** Why the demo cannot run on zfs here, or undefined. */
export function zfsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'the demo creates a ZFS pool: run it as root';
  const probe = spawnSync('zpool', ['list', '-H'], { encoding: 'utf8' });
  if (probe.error) return `zpool: ${probe.error.message} (install zfs-fuse or run on illumos)`;
  if (probe.status !== 0) return `zpool list: ${probe.stderr.trim()} (is zfs-fuse running?)`;
  return undefined;
}

export function createDemoPool(baseTree: string, say: (line: string) => void): DemoPool {
  const pool = `preupddemo${process.pid}`;
  const image = `/var/tmp/${pool}.img`;
  const work = mkdtempSync('/var/tmp/preupd-demo-');
  const run = (cmd: string, ...args: string[]) => {
    say(`$ ${cmd} ${args.join(' ')}`);
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  writeFileSync(image, '');
  truncateSync(image, 256 * 1024 * 1024);
  const container = `${pool}/ROOT`;
  const live = join(work, 'roots', 'be0');
  const destroy = () => {
    for (let tries = 0; tries < 10; tries++) {
      if (spawnSync('zpool', ['destroy', '-f', pool], { stdio: 'ignore' }).status === 0) break;
      spawnSync('sleep', ['0.3']);
    }
    rmSync(image, { force: true });
    rmSync(work, { recursive: true, force: true });
  };
  try {
    run('zpool', 'create', '-m', join(work, 'pool'), pool, image);
    mkdirSync(join(work, 'pool', 'boot', 'grub'), { recursive: true });
    // be0 inherits its mountpoint from the container (zfs-fuse mounts clones despite canmount=noauto).
    run('zfs', 'create', '-o', `mountpoint=${join(work, 'roots')}`, container);
    run('zfs', 'create', `${container}/be0`);
    // What the installer sets: the pool boots be0 (menu.lst comes with the first BE preupd adds).
    run('zpool', 'set', `bootfs=${container}/be0`, pool);
    run('cp', '-a', `${baseTree}/.`, live);
    run('zfs', 'snapshot', `${container}/be0@install`);
  } catch (err) {
    destroy();
    throw err;
  }
  const config = join(work, 'preupd.conf');
  writeFileSync(config, `${JSON.stringify({ pool, beContainer: container, stateDataset: `${pool}/preupd`, stateMountpoint: join(work, 'state') }, null, 2)}\n`);
  const boot = (be: string) => {
    for (const args of [['set', `mountpoint=${live}-old`, `${container}/be0`], ['set', `mountpoint=${live}`, `${container}/${be}`], ['mount', `${container}/${be}`]]) {
      say(`$ zfs ${args.join(' ')}`);
      execFileSync('zfs', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    }
  };
  return { pool, container, work, live, config, env: {}, boot, destroy };
}

