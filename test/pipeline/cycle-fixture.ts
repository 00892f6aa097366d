/**
 * A small system on a real (zfs-fuse) pool for the cycle's end-to-end tests: `<pool>/ROOT/be0`
 * "running" (mounted on PREUPD_ROOT, as nothing can be mounted on /), its install snapshot,
 * a config file, the stand-ins, and a prepared update for the stand-in pkg.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestPool, type TestPool } from '../fixtures/zfs-pool.js';
import { readStandInLog, STAND_IN_BIN, standInEnv } from '../fixtures/stand-ins.js';
import { expect } from 'vitest';
import { runIn, type CliRun } from '../run-cli.js';

export type Tree = Record<string, string>;

export interface Cycle {
  readonly pool: TestPool;
  readonly container: string;
  readonly live: string;
  readonly stateDir: string;
  readonly updateDir: string;
  readonly env: NodeJS.ProcessEnv;
  preupd(...args: string[]): Promise<CliRun>;
  zfs(...args: string[]): string;
  /** Stand-in calls so far, as `cmd arg...` lines. */
  log(): string[];
  cleanup(): void;
}

/** Runs preupd in the cycle and expects success: exit 0, nothing on stderr. */
export async function preupdOk(c: Cycle, ...args: string[]): Promise<CliRun> {
  const run = await c.preupd(...args);
  expect([run.status, run.stderr]).toEqual([0, '']);
  return run;
}

/** A run's printed lines (`+ ` commands, `# ` notes), with its variable parts (pool, temp dirs, stamp) named. */
export function printedLines(c: Cycle, stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('+ ') || line.startsWith('# '))
    .map((line) =>
      line
        .replaceAll(`${STAND_IN_BIN}/`, '')
        .replaceAll(c.pool.name, 'POOL')
        .replace(/\/tmp\/preupd-stage-\w+/g, 'TARGET')
        .replace(/\d{8}T\d{6}Z/g, 'STAMP'),
    );
}

/**
 * The commands a run executes (or, dry, would). Less the read-only views reintegration
 * clones for reading snapshots (zfs-fuse has no .zfs/snapshot): a dry run cannot reintegrate.
 */
export function printedCommands(c: Cycle, stdout: string): string[] {
  return printedLines(c, stdout).filter((line) => line.startsWith('+ ') && !/preupd-view-|\/tmp\/preupd-view/.test(line));
}

export const INSTALLED: Tree = {
  'etc/motd': 'Welcome to OpenSolaris\n',
  'etc/hosts': '127.0.0.1 localhost\n',
  'etc/svc/repository.db': 'smf repository v1\n',
  'usr/bin/tool': 'tool v1\n',
};

export function writeTree(root: string, tree: Tree): void {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** `beadm: false` points PREUPD_BEADM at nothing, so the zfs backend (and menu.lst) is used. */
export function createCycle(label: string, options: { beadm: boolean }): Cycle {
  const pool = createTestPool(label);
  const work = mkdtempSync(join(tmpdir(), `preupd-${label}-`));
  const zfs = (...args: string[]) => execFileSync('zfs', args, { encoding: 'utf8' });
  const container = `${pool.name}/ROOT`;
  // be0 inherits its mountpoint: zfs-fuse mounts a new clone despite canmount=noauto, and a
  // clone copying be0's local mountpoint would collide with the live root.
  const live = join(work, 'roots', 'be0');
  const stateDir = join(work, 'state');
  const updateDir = join(work, 'update');
  zfs('create', '-o', `mountpoint=${join(work, 'roots')}`, container);
  zfs('create', `${container}/be0`);
  // What the installer sets: the pool boots be0. No menu.lst: preupd's first entry makes one.
  execFileSync('zpool', ['set', `bootfs=${container}/be0`, pool.name]);
  writeTree(live, INSTALLED);
  zfs('snapshot', `${container}/be0@install`);
  mkdirSync(join(pool.mountpoint, 'boot/grub'), { recursive: true });
  const config = join(work, 'preupd.conf');
  writeFileSync(config, JSON.stringify({ pool: pool.name, beContainer: container, stateDataset: `${pool.name}/preupd`, stateMountpoint: stateDir }));
  const log = join(work, 'calls.log');
  const env = standInEnv(log, {
    PREUPD_CONFIG: config,
    PREUPD_ROOT: live,
    PREUPD_FAKE_BE_CONTAINER: container,
    PREUPD_FAKE_BE_RUNNING: 'be0',
    PREUPD_FAKE_PKG_UPDATE: updateDir,
    PREUPD_FINISH_COMMAND: '/usr/bin/preupd',
    ...(options.beadm ? {} : { PREUPD_BEADM: join(work, 'no-beadm') }),
  });
  return {
    pool,
    container,
    live,
    stateDir,
    updateDir,
    env,
    preupd: (...args) => runIn(work, args, '', env),
    zfs,
    log: () => readStandInLog(log).map((call) => call.join(' ')),
    cleanup() {
      pool.destroy();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** zfs-fuse releases files asynchronously: "dataset is busy" for a moment (as Zfs.retryWhileBusy). */
export function destroyWhenNotBusy(c: Cycle, dataset: string): void {
  for (let tries = 1; ; tries++) {
    try {
      c.zfs('destroy', '-r', '-f', dataset);
      return;
    } catch (err) {
      if (tries >= 5 || !/busy/.test(String((err as { stderr?: unknown }).stderr))) throw err;
      spawnSync('sleep', [String(0.3 * tries)]);
    }
  }
}

/** Mounts a BE's root where it inherits its mountpoint (zfs-fuse may have done so); returns that path. */
export function mountBe(c: Cycle, be: string): string {
  const dataset = `${c.container}/${be}`;
  if (c.zfs('get', '-H', '-o', 'value', 'mounted', dataset).trim() !== 'yes') c.zfs('mount', dataset);
  return c.zfs('get', '-H', '-o', 'value', 'mountpoint', dataset).trim();
}

/** Runs `look` on `be` mounted (at its own mountpoint), then unmounts it. */
export function withMountedBe<T>(c: Cycle, be: string, look: (root: string) => T): T {
  const root = mountBe(c, be);
  try {
    return look(root);
  } finally {
    c.zfs('unmount', `${c.container}/${be}`);
  }
}

/** As a reboot into `be`: preupd and the beadm stand-in take it for the running BE. */
export function bootInto(c: Cycle, be: string): string {
  c.env.PREUPD_ROOT = mountBe(c, be);
  c.env.PREUPD_FAKE_BE_RUNNING = be;
  return c.env.PREUPD_ROOT;
}
