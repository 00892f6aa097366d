/**
 * `preupd status` (spec/cli.md): the chain of pristine snapshots, the running BE and its base,
 * staged BEs and their conflicts, what the pool boots next, and what interrupted runs and
 * hands outside preupd left. Reads only (no lock: a stage in progress shows as it was last
 * written, and the lock file says who runs).
 */
import { InputError } from '../errors.js';
import { loadInitialisedState, type CycleContext } from './context.js';
import { readLockHolder, type LockHolder } from './state-lock.js';
import { findRunningBe, nextBootBe, runningBase, type RunningBe } from './running.js';
import { beRootsWithStageMark } from './stage-leftovers.js';
import { latestPristine, type PreupdState, type StagedStatus } from './state.js';

/** null, not absent, for what is unknown: JSON readers see every key. */
export interface StatusReport {
  /**
   * The BE mounted on the root now, the one the state last recorded, and the base of the
   * running one (a staged BE booted before boot-finish stands on its pristine; unknown when
   * the running BE is not on the chain, after a rollback to a BE preupd never adopted).
   */
  readonly running: { readonly be: string | null; readonly recorded: string | null; readonly base: string | null };
  /** The run holding the state lock, or the one that died holding it (stale). */
  readonly lock: LockHolder | null;
  readonly pristine: readonly {
    readonly sequence: number;
    readonly name: string;
    readonly guid: string;
    readonly runningBase: boolean;
    readonly latest: boolean;
  }[];
  readonly staged: readonly {
    readonly be: string;
    readonly status: StagedStatus;
    /** The state's record: a stage activated it, or will when the next stage finishes it (`staging`). */
    readonly activated: boolean;
    /** The pool boots it next (beadm's `R`), however it was activated: by a stage or by hand. */
    readonly bootsNext: boolean;
    /** False when its dataset was destroyed outside preupd; the next stage or prune forgets it. */
    readonly exists: boolean;
    /** Of both passes. */
    readonly conflicts: number;
    readonly report: string | null;
    readonly finishReport: string | null;
  }[];
  /** BEs a killed stage made and never recorded; the next stage removes them. */
  readonly interrupted: readonly { readonly be: string; readonly stageId: string }[];
  /** Pristine snapshots destroyed outside preupd. */
  readonly missing: readonly string[];
}

export async function readStatus(ctx: CycleContext): Promise<StatusReport> {
  const { state, missing } = await loadInitialisedState(ctx);
  const running = await runningBeOrNull(ctx);
  const nextBoot = await nextBootBe(ctx);
  const roots = await beRootsWithStageMark(ctx);
  const lock = (await readLockHolder(ctx.config.stateMountpoint)) ?? null;
  const latest = latestPristine(state);
  const baseGuid = running && (await unlessInputError(runningBase(ctx, state, running)));
  return {
    running: { be: running?.be ?? null, recorded: state.running?.be ?? null, base: state.pristine.find((p) => p.guid === baseGuid)?.name ?? null },
    lock,
    pristine: state.pristine.map((p) => ({ sequence: p.sequence, name: p.name, guid: p.guid, runningBase: p.guid === baseGuid, latest: p === latest })),
    staged: state.staged.map((s) => ({
      be: s.be, status: s.status, activated: s.activated, bootsNext: s.be === nextBoot, exists: roots.has(s.dataset), conflicts: s.conflicts, report: s.report ?? null, finishReport: s.finishReport ?? null,
    })),
    interrupted: leftBehind(ctx, state, roots, lock),
    missing,
  };
}

/** BEs carrying a stage's mark that the state does not record: what killed stages left. */
function leftBehind(
  ctx: CycleContext,
  state: PreupdState,
  roots: ReadonlyMap<string, string | undefined>,
  lock: LockHolder | null,
): StatusReport['interrupted'] {
  // While a stage runs, the BE it is making carries the mark too: that one is no leftover.
  if (lock !== null && !lock.stale && lock.command === 'stage') return [];
  const recorded = new Set(state.staged.map((s) => s.dataset));
  return [...roots].flatMap(([dataset, stageId]) =>
    stageId === undefined || recorded.has(dataset) ? [] : [{ be: dataset.slice(ctx.config.beContainer.length + 1), stageId }],
  );
}

/** The running BE; null only when none is mounted on the root: a failing zfs still fails status. */
async function runningBeOrNull(ctx: CycleContext): Promise<RunningBe | null> {
  return (await unlessInputError(findRunningBe(ctx))) ?? null;
}

/** What `answer` resolves to; undefined for an InputError (what is not there), others fail status. */
async function unlessInputError<T>(answer: Promise<T>): Promise<T | undefined> {
  try {
    return await answer;
  } catch (err) {
    if (err instanceof InputError) return undefined;
    throw err;
  }
}

export function formatStatus(status: StatusReport): string {
  const lines: string[] = [];
  const { running, lock } = status;
  if (lock !== null) lines.push(formatLock(lock));
  const now = running.be ?? '(no BE mounted on the root)';
  lines.push(`running: ${now}${running.recorded !== null && running.recorded !== running.be ? ` (state records ${running.recorded})` : ''}`);
  lines.push(`base: ${running.base ?? '(unknown)'}`);
  lines.push('pristine snapshots, oldest first:');
  for (const p of status.pristine) {
    const marks = [p.runningBase ? 'running base' : '', p.latest ? 'latest' : ''].filter((m) => m !== '');
    lines.push(`  ${String(p.sequence).padStart(4, '0')}  ${p.name}${marks.length > 0 ? `  [${marks.join(', ')}]` : ''}`);
  }
  lines.push(status.staged.length > 0 ? 'staged boot environments:' : 'staged boot environments: none');
  for (const s of status.staged) {
    const report = (s.report !== null ? `, report ${s.report}` : '') + (s.finishReport !== null ? `, finish report ${s.finishReport}` : '');
    const gone = s.exists ? '' : ' (dataset gone: destroyed outside preupd)';
    // "activated" as beadm means it: the pool boots it next.
    lines.push(`  ${s.be}  ${s.status}${s.bootsNext ? ', activated' : ''}, ${s.conflicts} conflict${s.conflicts === 1 ? '' : 's'}${report}${gone}`);
  }
  for (const { be } of status.interrupted) lines.push(`${be}: left from an interrupted stage; the next stage removes it`);
  for (const name of status.missing) lines.push(`missing: ${name} (destroyed outside preupd)`);
  return `${lines.join('\n')}\n`;
}

function formatLock(lock: LockHolder): string {
  if (lock.stale) return `${lock.command} pid ${lock.pid} was interrupted (stale lock); the next preupd run takes the lock over`;
  return `${lock.command} in progress: pid ${lock.pid} on ${lock.host} since ${lock.since}`;
}
