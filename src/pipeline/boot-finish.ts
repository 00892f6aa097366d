/**
 * `preupd boot-finish` (spec/reintegration.md "Two passes", step 2; spec/illumos.md §7): run
 * by the first-boot service in the new BE. Edits the admin made in the old BE after staging
 * are applied to the live root: base = the stage snapshot, admin = the old BE now (a fresh
 * snapshot), update = the new BE as staging left it. The service's method then disables and
 * deletes itself. Idempotent: a finished BE has nothing more to do.
 */
import { InputError } from '../errors.js';
import { loadInitialisedState, type CycleContext } from './context.js';
import { reintegrateSnapshots, type PassResult } from './reintegrate-snapshots.js';
import { findRunningBe } from './running.js';
import { writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { markBooted, putStaged, type StagedBe } from './state.js';

export type FinishResult =
  | { readonly kind: 'nothing-to-do'; readonly be: string }
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
  if (!(await zfs.exists(final))) await zfs.snapshot(final, { recursive: true });
  const pass = await reintegrateSnapshots(ctx, {
    snapshots: { base: entry.adminSnapshot.name, admin: final, update: `${entry.dataset}@preupd-staged-${entry.stageId}` },
    target: ctx.rootPath,
    name: `stages/${entry.stageId}/finish`,
  });
  const finished: StagedBe = { ...entry, status: 'finished', conflicts: entry.conflicts + pass.conflicts };
  await writeState(ctx.config.stateMountpoint, putStaged(booted, finished));
  return { kind: 'finished', staged: finished, pass };
}
