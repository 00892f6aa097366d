import { join } from 'node:path';
import { chooseBootEnvironments } from './be-select.js';
import type { BootEnvironments } from './boot-environment.js';
import { Pkg } from './pkg.js';
import { createProcessRunner, type ProcessRunnerOptions } from './process-runner.js';
import type { Runner } from './runner.js';
import { Zfs } from './zfs.js';

/** The system layer as the pipeline uses it: one runner shared by every adapter. */
export interface System {
  readonly runner: Runner;
  readonly zfs: Zfs;
  readonly pkg: Pkg;
  readonly bootEnvironments: BootEnvironments;
}

export interface SystemOptions extends ProcessRunnerOptions {
  readonly pool: string;
  /** `<pool>/ROOT`. */
  readonly beContainer: string;
  /** Runner to use instead of spawning processes (tests). */
  readonly runner?: Runner;
}

/**
 * Wires the adapters. Without beadm, boot entries go to `<pool mountpoint>/boot/grub/menu.lst`
 * (libbe's BE_GRUB_MENU, spec/illumos.md §6); a pool whose root dataset is not mounted gets
 * no menu handling.
 */
export async function createSystem(options: SystemOptions): Promise<System> {
  const runner = options.runner ?? createProcessRunner(options);
  const zfs = new Zfs(runner);
  const poolRoot = (await zfs.get([options.pool], ['mountpoint', 'mounted'])).get(options.pool);
  const mountpoint = poolRoot?.get('mountpoint')?.value;
  const menuPath =
    poolRoot?.get('mounted')?.value === 'yes' && mountpoint?.startsWith('/') ? join(mountpoint, 'boot', 'grub', 'menu.lst') : undefined;
  const bootEnvironments = await chooseBootEnvironments(runner, zfs, options.env ?? process.env, {
    pool: options.pool,
    container: options.beContainer,
    ...(menuPath ? { menuPath } : {}),
  });
  return { runner, zfs, pkg: new Pkg(runner), bootEnvironments };
}
