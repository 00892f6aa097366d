/**
 * `preupd init` (spec/cli.md): adopt the running BE and the pristine snapshot it was made
 * from as the start of the chain. The base is `--base-snapshot`, else the running dataset's
 * origin. Idempotent: a second run with the same answer changes nothing, and without
 * --base-snapshot a system whose state already records the running BE is left as it is.
 */
import { mkdir } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { CycleContext } from './context.js';
import { snapshotOnBe } from './context.js';
import { findRunningBe } from './running.js';
import { readState, writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { adoptRunning, emptyState, findPristine } from './state.js';
import { snapshotNameProblem } from './zfs-name.js';

export interface InitResult {
  readonly be: string;
  readonly base: string;
  readonly changed: boolean;
}

export async function initCycle(ctx: CycleContext, baseSnapshot: string | undefined, now = new Date()): Promise<InitResult> {
  const { zfs, runner } = ctx.system;
  const { beContainer, stateDataset, stateMountpoint } = ctx.config;
  const running = await findRunningBe(ctx);
  if (baseSnapshot === undefined) {
    // After a cycle the origin is no longer the base (promotion moved it; spec §6): keep the record.
    const recorded = await recordedBase(stateMountpoint, running.be);
    if (recorded !== undefined) return { be: running.be, base: recorded, changed: false };
  }
  const base = baseSnapshot ?? (await zfs.getProperty(running.dataset, 'origin'));
  if (base === undefined || base === '-' || base === '') {
    throw new InputError(running.dataset, undefined, 'the running BE is not a clone: name its pristine snapshot with --base-snapshot');
  }
  const problem = snapshotNameProblem(base);
  if (problem !== undefined) throw new InputError(base, undefined, `not a valid ZFS snapshot name: ${problem}`);
  // The chain lives on BE roots in the container: promotion and beadm create -e need that (spec §6).
  if (!snapshotOnBe(beContainer, base)) throw new InputError(base, undefined, `not a snapshot of a boot environment in ${beContainer}`);
  if (!(await zfs.exists(base))) throw new InputError(base, undefined, 'no such snapshot');
  const guid = (await zfs.getProperty(base, 'guid'))!;
  if (!(await zfs.exists(stateDataset))) {
    // The state outlives every BE: its own dataset, outside the container (config.ts).
    await runner.run('zfs', ['create', '-o', `mountpoint=${stateMountpoint}`, stateDataset], { mutates: true });
  }
  if (runner.dryRun) return { be: running.be, base, changed: true };
  await mkdir(stateMountpoint, { recursive: true, mode: 0o700 });
  return withStateLock(stateMountpoint, 'init', async () => {
    const state = (await readState(stateMountpoint)) ?? emptyState();
    if (state.running?.be === running.be && state.running.baseGuid === guid) return { be: running.be, base, changed: false };
    if (state.running && !findPristine(state, guid)) {
      throw new InputError(stateMountpoint, undefined, `already initialised (running ${state.running.be}); ${base} is not in its chain`);
    }
    await writeState(stateMountpoint, adoptRunning(state, running.be, { guid, name: base }, now.toISOString()));
    return { be: running.be, base, changed: true };
  });
}

/** The pristine base the state records for `be` when `be` is the recorded running BE. */
async function recordedBase(stateMountpoint: string, be: string): Promise<string | undefined> {
  const state = await readState(stateMountpoint);
  if (state?.running?.be !== be) return undefined;
  return findPristine(state, state.running.baseGuid)?.name;
}
