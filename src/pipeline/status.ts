/**
 * `preupd status` (spec/cli.md): the chain of pristine snapshots, the running BE and its base,
 * staged BEs and their conflicts. Reads only (no lock: a stage in progress shows as it was
 * last written).
 */
import { loadInitialisedState, type CycleContext } from './context.js';
import { findRunningBe } from './running.js';
import { latestPristine, type StagedStatus } from './state.js';

export interface StatusReport {
  /** The BE mounted on the root now, and the one the state last recorded. */
  readonly running: { readonly be: string | undefined; readonly recorded: string | undefined; readonly base: string | undefined };
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
    readonly activated: boolean;
    readonly conflicts: number;
    readonly report: string | undefined;
  }[];
  /** Pristine snapshots destroyed outside preupd. */
  readonly missing: readonly string[];
}

export async function readStatus(ctx: CycleContext): Promise<StatusReport> {
  const { state, missing } = await loadInitialisedState(ctx);
  const running = await findRunningBe(ctx).catch(() => undefined);
  const latest = latestPristine(state);
  const baseGuid = state.running?.baseGuid;
  return {
    running: { be: running?.be, recorded: state.running?.be, base: state.pristine.find((p) => p.guid === baseGuid)?.name },
    pristine: state.pristine.map((p) => ({ sequence: p.sequence, name: p.name, guid: p.guid, runningBase: p.guid === baseGuid, latest: p === latest })),
    staged: state.staged.map((s) => ({ be: s.be, status: s.status, activated: s.activated, conflicts: s.conflicts, report: s.report })),
    missing,
  };
}

export function formatStatus(status: StatusReport): string {
  const lines: string[] = [];
  const { running } = status;
  const now = running.be ?? '(no BE mounted on the root)';
  lines.push(`running: ${now}${running.recorded !== undefined && running.recorded !== running.be ? ` (state records ${running.recorded})` : ''}`);
  lines.push(`base: ${running.base ?? '(unknown)'}`);
  lines.push('pristine snapshots, oldest first:');
  for (const p of status.pristine) {
    const marks = [p.runningBase ? 'running base' : '', p.latest ? 'latest' : ''].filter((m) => m !== '');
    lines.push(`  ${String(p.sequence).padStart(4, '0')}  ${p.name}${marks.length > 0 ? `  [${marks.join(', ')}]` : ''}`);
  }
  lines.push(status.staged.length > 0 ? 'staged boot environments:' : 'staged boot environments: none');
  for (const s of status.staged) {
    const report = s.report !== undefined ? `, report ${s.report}` : '';
    lines.push(`  ${s.be}  ${s.status}${s.activated ? ', activated' : ''}, ${s.conflicts} conflict${s.conflicts === 1 ? '' : 's'}${report}`);
  }
  for (const name of status.missing) lines.push(`missing: ${name} (destroyed outside preupd)`);
  return `${lines.join('\n')}\n`;
}
