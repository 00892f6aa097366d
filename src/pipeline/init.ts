/**
 * `preupd init` (spec/cli.md): adopt the running BE and the pristine snapshot it was made
 * from as the start of the chain. The base is `--base-snapshot`, which the running BE must
 * descend from, else the running dataset's origin. Idempotent: a second run with the same
 * answer changes nothing, and without --base-snapshot a system whose state already records
 * the running BE is left as it is.
 */
import { InputError } from '../errors.js';
import type { CycleContext } from './context.js';
import { snapshotOnBe } from './context.js';
import { descendsFrom, findRunningBe, type RunningBe } from './running.js';
import { prepareStateDataset } from './state-dataset.js';
import { readState, writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { adoptRunning, emptyState, findPristine, unbootedStaged, type PreupdState, type SnapshotRef } from './state.js';
import { snapshotNameProblem } from './zfs-name.js';

export interface InitResult {
  readonly be: string;
  readonly base: string;
  readonly changed: boolean;
}

export async function initCycle(ctx: CycleContext, baseSnapshot: string | undefined, now = new Date()): Promise<InitResult> {
  const { stateMountpoint } = ctx.config;
  const running = await findRunningBe(ctx);
  const known = ctx.stateDatasetExists ? await readState(stateMountpoint) : undefined;
  // Its base is the update's pristine snapshot, which its origin may not name; boot-finish records it.
  if (known && unbootedStaged(known).some((s) => s.be === running.be)) {
    throw new InputError(stateMountpoint, undefined, `${running.be} was staged by preupd and is not finished: run \`preupd boot-finish\``);
  }
  // After a cycle the origin is no longer the base (promotion moved it; spec §6): keep the record.
  const recorded = baseSnapshot === undefined && known?.running?.be === running.be ? findPristine(known, known.running.baseGuid)?.name : undefined;
  if (recorded !== undefined) {
    await prepareStateDataset(ctx);
    return { be: running.be, base: recorded, changed: false };
  }
  const base = await checkedBase(ctx, running, baseSnapshot);
  const ref = { name: base, guid: (await ctx.system.zfs.getProperty(base, 'guid'))! };
  await prepareStateDataset(ctx);
  // A dry run writes nothing, not even the lock file.
  if (ctx.system.runner.dryRun) return { be: running.be, base, changed: adoption(ctx, known ?? emptyState(), running, ref, now) !== undefined };
  return withStateLock(stateMountpoint, 'init', async () => {
    const next = adoption(ctx, (await readState(stateMountpoint)) ?? emptyState(), running, ref, now);
    if (next !== undefined) await writeState(stateMountpoint, next);
    return { be: running.be, base, changed: next !== undefined };
  });
}

/** The state with `running` adopted on `base`; undefined when it already records that. */
function adoption(ctx: CycleContext, state: PreupdState, running: RunningBe, base: SnapshotRef, now: Date): PreupdState | undefined {
  if (state.running?.be === running.be && state.running.baseGuid === base.guid) return undefined;
  if (state.running && !findPristine(state, base.guid)) {
    throw new InputError(ctx.config.stateMountpoint, undefined, `already initialised (running ${state.running.be}); ${base.name} is not in its chain`);
  }
  return adoptRunning(state, running.be, base, now.toISOString());
}

/** `--base-snapshot`, else the running dataset's origin: an existing snapshot on a BE root that the running BE descends from. */
async function checkedBase(ctx: CycleContext, running: RunningBe, baseSnapshot: string | undefined): Promise<string> {
  const { beContainer } = ctx.config;
  const base = baseSnapshot ?? (await ctx.system.zfs.getProperty(running.dataset, 'origin'));
  if (base === undefined || base === '-' || base === '') {
    throw new InputError(running.dataset, undefined, 'the running BE is not a clone: name its pristine snapshot with --base-snapshot');
  }
  const problem = snapshotNameProblem(base);
  if (problem !== undefined) throw new InputError(base, undefined, `not a valid ZFS snapshot name: ${problem}`);
  // The chain lives on BE roots in the container: promotion and beadm create -e need that (spec §6).
  if (!snapshotOnBe(beContainer, base)) throw new InputError(base, undefined, `not a snapshot of a boot environment in ${beContainer}`);
  if (!(await ctx.system.zfs.exists(base))) throw new InputError(base, undefined, 'no such snapshot');
  // Else the next stage would take what lies between this snapshot and the running BE (another
  // BE's update, say) for the admin's changes.
  if (!(await descendsFrom(ctx, running, base))) {
    throw new InputError(base, undefined, `${running.be} does not descend from it (neither its own snapshot nor on its origin chain)`);
  }
  return base;
}
