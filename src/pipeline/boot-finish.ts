/**
 * `preupd boot-finish` (spec/reintegration.md "Two passes", step 2; spec/illumos.md §7): run
 * by the first-boot service in the new BE. Edits the admin made in the old BE after staging
 * are applied to the live root: base = the stage snapshot, admin = the old BE now, update =
 * the new BE now (fresh snapshots, kept for a resumed run). update is the live BE, not the BE
 * as staging left it: what changed here since (first boot, or the admin while the service
 * waited in maintenance) is update's, so an edit of the old BE to the same file is a
 * reported conflict, never a silent overwrite. The boot archive is rebuilt when the pass
 * touched it. The service's method then disables and deletes itself. Idempotent: a
 * finished BE has nothing more to do.
 */
import { InputError } from '../errors.js';
import { updateBootArchive } from '../system/bootadm.js';
import { loadInitialisedState, type CycleContext } from './context.js';
import { reintegrateSnapshots, type PassResult } from './reintegrate-snapshots.js';
import { findRunningBe } from './running.js';
import { writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { markBooted, putStaged, type PreupdState, type StagedBe } from './state.js';

export type FinishResult =
  | { readonly kind: 'nothing-to-do'; readonly be: string }
  /** The old BE (or its stage snapshot) is gone: its later edits cannot be carried. */
  | { readonly kind: 'old-be-gone'; readonly staged: StagedBe; readonly gone: string }
  | { readonly kind: 'finished'; readonly staged: StagedBe; readonly pass: PassResult };

export async function bootFinish(ctx: CycleContext): Promise<FinishResult> {
  return withStateLock(ctx.config.stateMountpoint, 'boot-finish', () => finishLocked(ctx));
}

async function finishLocked(ctx: CycleContext): Promise<FinishResult> {
  const { zfs } = ctx.system;
  const { state } = await loadInitialisedState(ctx);
  const running = await findRunningBe(ctx);
  const entry = state.staged.find((s) => s.be === running.be);
  if (!entry || entry.status === 'finished') {
    if (state.running?.be === running.be) return { kind: 'nothing-to-do', be: running.be };
    throw new InputError(ctx.config.stateMountpoint, undefined, `the running BE ${running.be} was not staged by preupd`);
  }
  // `finishing` = a previous run was interrupted: the journal makes the pass resumable.
  const booted = entry.status === 'finishing' ? state : markBooted(state, running.be);
  await writeState(ctx.config.stateMountpoint, booted);
  const oldDataset = entry.adminSnapshot.name.slice(0, entry.adminSnapshot.name.indexOf('@'));
  const final = `${oldDataset}@preupd-final-${entry.stageId}`;
  const live = finishSnapshot(entry);
  if (!(await zfs.exists(final))) {
    // Destroyed since staging (beadm destroy): nothing is left to carry, and a retry could never do better.
    const gone = [oldDataset, entry.adminSnapshot.name];
    for (const name of gone) {
      if (!(await zfs.exists(name))) return finish(ctx, booted, { ...entry, status: 'finished' }, (staged) => ({ kind: 'old-be-gone', staged, gone: name }));
    }
    await zfs.snapshot(final, { recursive: true });
  }
  if (!(await zfs.exists(live))) await zfs.snapshot(live, { recursive: true });
  const pass = await reintegrateSnapshots(ctx, {
    snapshots: { base: entry.adminSnapshot.name, admin: final, update: live },
    target: ctx.rootPath,
    name: `stages/${entry.stageId}/finish`,
  });
  if (pass.plan.bootArchive) await updateBootArchive(ctx.system.runner, ctx.rootPath);
  const finished: StagedBe = { ...entry, status: 'finished', conflicts: entry.conflicts + pass.conflicts, finishReport: pass.reportFile };
  return finish(ctx, booted, finished, (staged) => ({ kind: 'finished', staged, pass }));
}

/** The running BE as boot-finish found it: the second pass's update. */
export const finishSnapshot = (staged: StagedBe) => `${staged.dataset}@preupd-finish-${staged.stageId}`;

async function finish(ctx: CycleContext, booted: PreupdState, finished: StagedBe, result: (staged: StagedBe) => FinishResult): Promise<FinishResult> {
  await writeState(ctx.config.stateMountpoint, putStaged(booted, finished));
  return result(finished);
}
