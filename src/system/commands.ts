import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** The system commands preupd drives (spec/illumos.md §5, §8; mknod for reintegration, mknod.ts). */
export type CommandName = 'zfs' | 'zpool' | 'pkg' | 'beadm' | 'bootadm' | 'svcadm' | 'svccfg' | 'mknod';

/** Environment variables that replace a command's path, for tests and odd installs (spec/cli.md). */
export const COMMAND_ENV: Readonly<Record<CommandName, string>> = {
  zfs: 'PREUPD_ZFS',
  zpool: 'PREUPD_ZPOOL',
  pkg: 'PREUPD_PKG',
  beadm: 'PREUPD_BEADM',
  bootadm: 'PREUPD_BOOTADM',
  svcadm: 'PREUPD_SVCADM',
  svccfg: 'PREUPD_SVCCFG',
  mknod: 'PREUPD_MKNOD',
};

/** The program to execute for `command`: its override when set and non-empty, else its bare name. */
export function commandPath(command: CommandName, env: NodeJS.ProcessEnv): string {
  const override = env[COMMAND_ENV[command]];
  return override !== undefined && override !== '' ? override : command;
}

/**
 * Whether `program` can be executed: a path containing `/` is checked directly, a bare name
 * is looked up in PATH as execvp would. Used to tell "beadm is absent" from "beadm failed".
 */
export async function isExecutable(program: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const candidates = program.includes('/')
    ? [program]
    : (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return true;
    } catch {
      // not here: try the next PATH entry
    }
  }
  return false;
}
