/**
 * `preupd prune [--keep N]` (spec/cli.md, issue 6): destroys old pristine snapshots. Never the
 * base of the BE mounted on the root, nor the base the state records (they differ after a
 * rollback), never one with dependents (a clone's origin: zfs would refuse anyway, and the
 * clone is a BE), never the pristine of a staged BE, never the newest `keep` that still exist.
 * Also the stage, final, staged and finish snapshots of stages whose second pass is done
 * (nothing reads them), and, as stage does, staged BEs destroyed outside preupd with their stage
 * snapshots.
 */
import { finishSnapshot } from './boot-finish.js';
import { loadInitialisedState, type CycleContext } from './context.js';
import { findRunningBe, runningBase } from './running.js';
import { forgetVanished } from './stage-leftovers.js';
import { writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { forgetPristine, type PreupdState } from './state.js';

export interface PruneDecision {
  readonly name: string;
  readonly action: 'destroy' | 'keep' | 'forget';
  /** Why kept, or for `forget`: already gone. */
  readonly why?: string;
}

export async function prune(ctx: CycleContext, keep: number): Promise<PruneDecision[]> {
  if (ctx.system.runner.dryRun) return pruneLocked(ctx, keep);
  return withStateLock(ctx.config.stateMountpoint, 'prune', () => pruneLocked(ctx, keep));
}

async function pruneLocked(ctx: CycleContext, keep: number): Promise<PruneDecision[]> {
  const { zfs, runner } = ctx.system;
  const loaded = await loadInitialisedState(ctx);
  // First: a prune that cannot tell what the running BE stands on changes nothing.
  const bases = await runningBases(ctx, loaded.state);
  const state = await forgetVanished(ctx, loaded.state);
  if (state !== loaded.state && !runner.dryRun) await writeState(ctx.config.stateMountpoint, state);
  const decisions = await decide(ctx, state, keep, new Set(loaded.missing), bases);
  let next = state;
  for (const decision of decisions) {
    if (decision.action === 'keep') continue;
    const guid = state.pristine.find((p) => p.name === decision.name)!.guid;
    if (decision.action === 'destroy') await zfs.destroy(decision.name, { recursive: true });
    next = forgetPristine(next, guid);
    if (!runner.dryRun) await writeState(ctx.config.stateMountpoint, next);
  }
  const leftovers = await finishedStageSnapshots(ctx, state);
  for (const name of leftovers) await zfs.destroy(name, { recursive: true });
  return [...decisions, ...leftovers.map((name): PruneDecision => ({ name, action: 'destroy', why: 'a finished stage' }))];
}

/** Snapshots of finished stages that still exist and have no dependents. */
async function finishedStageSnapshots(ctx: CycleContext, state: PreupdState): Promise<string[]> {
  const { zfs } = ctx.system;
  const names = state.staged
    .filter((s) => s.status === 'finished')
    .flatMap((s) => {
      const old = s.adminSnapshot.name.slice(0, s.adminSnapshot.name.indexOf('@'));
      return [s.adminSnapshot.name, `${old}@preupd-final-${s.stageId}`, `${s.dataset}@preupd-staged-${s.stageId}`, finishSnapshot(s)];
    });
  const origins = await dependedOn(ctx);
  const existing: string[] = [];
  for (const name of names) if (!origins.has(name) && (await zfs.exists(name))) existing.push(name);
  return existing;
}

async function dependedOn(ctx: CycleContext): Promise<Set<string>> {
  const rows = await ctx.system.zfs.list({ roots: [ctx.config.pool], type: 'filesystem', depth: 'all', properties: ['origin'] });
  return new Set(rows.map((row) => row.properties.origin).filter((o): o is string => o !== undefined && o !== '-'));
}

/** A pristine snapshot a BE stands on: which BE, and whether it is the one mounted on the root. */
interface BaseOf {
  readonly be: string;
  readonly running: boolean;
}

/**
 * The running BE's base and the base the state records, by guid. Unknown (no BE mounted on
 * the root, or one not cloned from the chain): runningBase's one line, exit 2. Prune
 * destroys, so it does not guess.
 */
async function runningBases(ctx: CycleContext, state: PreupdState): Promise<Map<string, BaseOf>> {
  const running = await findRunningBe(ctx);
  const bases = new Map<string, BaseOf>();
  if (state.running !== undefined) bases.set(state.running.baseGuid, { be: state.running.be, running: false });
  bases.set(await runningBase(ctx, state, running), { be: running.be, running: true });
  return bases;
}

async function decide(
  ctx: CycleContext,
  state: PreupdState,
  keep: number,
  missing: ReadonlySet<string>,
  bases: ReadonlyMap<string, BaseOf>,
): Promise<PruneDecision[]> {
  const origins = await dependedOn(ctx);
  const stagedPristine = new Set(state.staged.filter((s) => s.status !== 'finished').map((s) => s.pristineGuid));
  const newest = new Set(state.pristine.filter((p) => !missing.has(p.name)).slice(-keep).map((p) => p.guid));
  return state.pristine.map((p): PruneDecision => {
    const kept = (why: string): PruneDecision => ({ name: p.name, action: 'keep', why });
    const base = bases.get(p.guid);
    // Kept in the state even when gone: runningBase and forgetPristine go by the record.
    if (base && missing.has(p.name)) return kept(`destroyed outside preupd; still recorded as the base of ${base.be}`);
    if (base) return kept(base.running ? "the running BE's base" : `the base the state records for ${base.be}`);
    if (missing.has(p.name)) return { name: p.name, action: 'forget', why: 'already destroyed outside preupd' };
    if (newest.has(p.guid)) return kept(`one of the newest ${keep}`);
    if (stagedPristine.has(p.guid)) return kept('pristine of a staged BE');
    if (origins.has(p.name)) return kept('has dependent clones');
    return { name: p.name, action: 'destroy' };
  });
}

export function formatPrune(decisions: readonly PruneDecision[], dryRun: boolean): string {
  const verb = { destroy: dryRun ? 'would destroy' : 'destroyed', forget: dryRun ? 'would forget' : 'forgot', keep: 'keep' };
  return decisions.map((d) => `${verb[d.action]} ${d.name}${d.why !== undefined ? ` (${d.why})` : ''}\n`).join('');
}
