/**
 * Where the state lives: its own dataset (config.stateDataset, outside the BE container, so it
 * outlives every BE) mounted on config.stateMountpoint. Anywhere else the state would land in
 * a plain directory of the running BE: a new BE would not see it, and boot-finish would fail.
 */
import { chmod, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, type PreupdError, type SystemCommandError } from '../errors.js';
import type { Zfs } from '../system/zfs.js';
import { isDatasetMissing } from '../system/zfs-parse.js';
import type { PreupdConfig } from './config.js';
import type { CycleContext } from './context.js';

/**
 * Plans, reports and the saved copies of the admin's /etc edits are root's only. `zfs create`
 * makes the directory 0755, so init sets this mode explicitly.
 */
const STATE_MODE = 0o700;

/** Said the same way wherever the state turns out not to exist yet (no state file, no lock directory). */
export function notInitialised(stateMountpoint: string): InputError {
  return new InputError(stateMountpoint, undefined, 'no preupd state here: run `preupd init` first');
}

/**
 * Whether the state dataset exists (false before `preupd init`), with one `zfs get`. One that
 * exists but is not mounted on the state mount point is an InputError saying how to mount it.
 */
export async function stateDatasetExists(zfs: Zfs, config: Pick<PreupdConfig, 'stateDataset' | 'stateMountpoint'>): Promise<boolean> {
  const { stateDataset, stateMountpoint } = config;
  let properties;
  try {
    properties = (await zfs.get([stateDataset], ['mounted', 'mountpoint'])).get(stateDataset);
  } catch (err) {
    if ((err as PreupdError).code === 'PREUPD_SYSTEM' && isDatasetMissing((err as SystemCommandError).stderr)) return false;
    throw err;
  }
  const mountpoint = properties?.get('mountpoint')?.value ?? '-';
  // `legacy` and `none` are refused too: every BE finds the state by the dataset's own mountpoint.
  if (!mountpoint.startsWith('/') || resolve(mountpoint) !== resolve(stateMountpoint)) {
    throw new InputError(stateDataset, undefined, `mountpoint is ${mountpoint}, not the configured ${stateMountpoint}: \`zfs set mountpoint=${stateMountpoint} ${stateDataset}\``);
  }
  if (properties?.get('mounted')?.value !== 'yes') {
    throw new InputError(stateDataset, undefined, `not mounted on ${stateMountpoint}: \`zfs mount ${stateDataset}\``);
  }
  return true;
}

/** For `init`: the state dataset made where it is missing, and its directory root's only. */
export async function prepareStateDataset(ctx: CycleContext): Promise<void> {
  const { runner } = ctx.system;
  const { stateDataset, stateMountpoint } = ctx.config;
  if (!ctx.stateDatasetExists) {
    await runner.run('zfs', ['create', '-o', `mountpoint=${stateMountpoint}`, stateDataset], { mutates: true });
  }
  // Unknown under --dry-run before the dataset exists: then the change is printed too.
  const mode = await stat(stateMountpoint).then((s) => s.mode & 0o7777, () => undefined);
  if (mode !== STATE_MODE) {
    await runner.effect(`${stateMountpoint}: mode ${STATE_MODE.toString(8)}`, () => chmod(stateMountpoint, STATE_MODE));
  }
}
