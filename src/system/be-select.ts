import { BeadmBootEnvironments } from './beadm.js';
import type { BootEnvironments } from './boot-environment.js';
import { ZfsBootEnvironments, type ZfsBeOptions } from './be-zfs.js';
import { commandPath, isExecutable } from './commands.js';
import type { Runner } from './runner.js';
import type { Zfs } from './zfs.js';

/**
 * beadm where it exists (it also fixes vfstab and zones, spec/illumos.md §5.4), otherwise
 * the same operations through zfs and our menu.lst writer.
 */
export async function chooseBootEnvironments(
  runner: Runner,
  zfs: Zfs,
  env: NodeJS.ProcessEnv,
  options: ZfsBeOptions,
): Promise<BootEnvironments> {
  if (await isExecutable(commandPath('beadm', env), env)) return new BeadmBootEnvironments(zfs, runner, options);
  return new ZfsBootEnvironments(zfs, runner, options);
}
