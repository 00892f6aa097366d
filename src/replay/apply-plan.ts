/**
 * applyPlan: carries out a Plan in the target, journaled and resumable (spec/reintegration.md
 * "Safety"). It does only what the plan says; a path it may not write is refused and reported,
 * and the rest goes on. `dryRun` plays the same run on an in-memory view of the target and
 * writes nothing, not even the journal: it reports the refusals and account re-applications
 * the real run would.
 */
import type { AccountActionReport, Action } from '../ips/index.js';
import { applyOp, type NodeMaker, type OpContext, simulateOp, type SimulateContext, writeTargetFile } from './apply-op.js';
import { planAccountRepair, predictAccounts, writeAccountRepair } from './account-check.js';
import { journalPath, journalPlanPath, openJournal, planOfJournal, readJournal, type Refusal, type UnitOutcome } from './journal.js';
import { formatPlanJson } from './plan-json.js';
import type { Op, Plan, RootName } from './plan-types.js';
import { unitWork } from './resume-check.js';
import { RefusedPathError, safeTarget, targetView } from './safe-target.js';

const OWNER_ONLY = { mode: 0o600, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

export interface ApplyOptions {
  readonly target: string;
  readonly roots: Readonly<Record<RootName, string>>;
  readonly dryRun?: boolean;
  /** update's user and group actions, checked (and re-applied) on the target at the end. */
  readonly accountActions?: readonly Action[];
  /** Days since 1970-01-01, for shadow `lastchg` of re-applied users. */
  readonly today?: number;
  /** Test hook between system calls; throwing there simulates a kill. */
  readonly crashPoint?: (label: string) => void;
  /**
   * Makes FIFOs and device nodes (R2), printing its commands; without one they are refused and
   * reported. A dry run needs one that only prints (`dryRun`), a real run one that does not.
   */
  readonly nodeMaker?: NodeMaker;
}

export type { Refusal } from './journal.js';

export interface ApplyReport {
  /** A complete journal for this plan was found: nothing was done again. */
  readonly alreadyApplied: boolean;
  readonly units: number;
  /** Units carried out now (after a crash, the ones not done before). */
  readonly ran: number;
  /** Every refusal of the journaled run, earlier processes' included. */
  readonly refused: readonly Refusal[];
  readonly accounts: readonly AccountActionReport[];
}

/** A journal unit: one step's ops of one phase. */
export interface Unit {
  readonly step: number;
  readonly ops: readonly Op[];
}

/**
 * Removals first, deepest path first, so a directory is empty when its turn comes and a type
 * change finds its path free; then every other op in plan (manifest) order, parents first.
 */
export function executionUnits(plan: Plan): Unit[] {
  const removals: Unit[] = [];
  const writes: Unit[] = [];
  plan.steps.forEach((s, step) => {
    const removes = s.ops.filter((op) => op.op === 'remove');
    const others = s.ops.filter((op) => op.op !== 'remove');
    if (removes.length > 0) removals.push({ step, ops: removes });
    if (others.length > 0) writes.push({ step, ops: others });
  });
  return [...removals.reverse(), ...writes];
}

/**
 * Carries out `given`, or, when an earlier apply of the same inputs was started, the plan its
 * journal kept: a fresh plan of the same inputs names its saved copies with another stamp, and
 * a resume must not split them between two (callers print planOfJournal's plan).
 */
export async function applyPlan(given: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const dry = options.dryRun ?? false;
  // A printing maker in a real run would leave nodes unmade; a real one in a dry run would write.
  if (options.nodeMaker && options.nodeMaker.dryRun !== dry) throw new Error(`a ${dry ? '' : 'non-'}dry run was given a node maker that ${dry ? 'makes nodes' : 'only prints'}`);
  const target = safeTarget(options.target);
  const plan = planOfJournal(target, given);
  if (dry) return dryRun(plan, options);
  const ctx: OpContext = {
    target, roots: options.roots, names: { stamp: plan.stamp }, crashPoint: options.crashPoint ?? (() => {}),
    ...(options.nodeMaker ? { nodeMaker: options.nodeMaker } : {}),
  };
  const units = executionUnits(plan);
  // Opened first: a corrupt journal stops everything before a byte is written.
  const journal = openJournal(target, plan);
  try {
    const refused = [...journal.earlier.refused];
    const accounts = [...journal.earlier.accounts];
    if (journal.complete) return { alreadyApplied: true, units: units.length, ran: 0, refused, accounts };
    // The plan is kept beside its journal before the first change (spec "Safety").
    if (!journal.planKept) writeTargetFile(journalPlanPath(plan), formatPlanJson(plan), OWNER_ONLY, ctx);
    let ran = 0;
    // A resume leaves what the admin changed in the target since the pass began (resume-check.ts).
    const workOf = unitWork(units, journal, target, options.roots.update);
    for (const i of units.keys()) {
      if (journal.done.has(i)) continue;
      const { ops, left } = workOf(i);
      journal.begin(i, { left });
      const refusedNow: Refusal[] = [...left];
      try {
        for (const op of ops) await withContext(op, () => applyOp(op, ctx));
      } catch (err) {
        refusedNow.push(refusal(err));
      }
      journal.finish(i, { refused: refusedNow });
      refused.push(...refusedNow);
      ran++;
    }
    // The account check is the last unit: journaled like the others, so its report survives a rerun.
    const accountUnit = units.length;
    if (hasAccountActions(options) && !journal.done.has(accountUnit)) {
      let outcome: UnitOutcome;
      try {
        // Write-ahead (see AccountRepair): decided once, journaled, then written.
        const repair = journal.repairs.get(accountUnit) ?? planAccountRepair(options.accountActions, today(options), ctx);
        journal.begin(accountUnit, { repair });
        writeAccountRepair(repair, ctx);
        outcome = { refused: [], accounts: repair.reports };
      } catch (err) {
        outcome = { refused: [refusal(err)], accounts: [] };
      }
      journal.finish(accountUnit, outcome);
      refused.push(...outcome.refused);
      accounts.push(...outcome.accounts);
    }
    journal.finishAll();
    return { alreadyApplied: false, units: units.length, ran, refused, accounts };
  } finally {
    journal.close();
  }
}

/** The run applyPlan would make, played on a view of the target; a resume's dry run skips the units done. */
async function dryRun(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const units = executionUnits(plan);
  const journal = readJournal(safeTarget(options.target), plan);
  const refused = [...journal.earlier.refused];
  const accounts = [...journal.earlier.accounts];
  if (journal.complete) return { alreadyApplied: true, units: units.length, ran: 0, refused, accounts };
  const view = targetView(options.target);
  // The journal and the plan beside it are written first.
  view.makeParents(journalPath(plan));
  for (const path of [journalPath(plan), journalPlanPath(plan)]) view.set(path, 'file');
  const ctx: SimulateContext = {
    roots: options.roots, names: { stamp: plan.stamp }, targetRoot: options.target,
    ...(options.nodeMaker ? { nodeMaker: options.nodeMaker } : {}),
  };
  const workOf = unitWork(units, journal, safeTarget(options.target), options.roots.update);
  for (const i of units.keys()) {
    if (journal.done.has(i)) continue;
    const { ops, left } = workOf(i);
    refused.push(...left);
    try {
      for (const op of ops) await simulateOp(op, view, ctx);
    } catch (err) {
      refused.push(refusal(err));
    }
  }
  if (hasAccountActions(options) && !journal.done.has(units.length)) {
    try {
      accounts.push(...(journal.repairs.get(units.length)?.reports ?? predictAccounts(options.accountActions, today(options), view)));
    } catch (err) {
      refused.push(refusal(err));
    }
  }
  return { alreadyApplied: false, units: units.length, ran: 0, refused, accounts };
}

const hasAccountActions = (options: ApplyOptions): options is ApplyOptions & { accountActions: readonly Action[] } =>
  options.accountActions !== undefined && options.accountActions.length > 0;
const today = (options: ApplyOptions): number => options.today ?? Math.floor(Date.now() / 86_400_000);

/** A refusal as reported; any other error stops the apply. */
function refusal(err: unknown): Refusal {
  if (!(err instanceof RefusedPathError)) throw err;
  return { path: err.path, why: err.why };
}

/**
 * "applying plan: /etc/hosts: EACCES ..." (spec/style.md "Errors"). Refusals pass through, and
 * so does a failed command (mknod), whose argv names the place: it must keep its code (exit 3).
 */
async function withContext(op: Op, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof RefusedPathError || (err as { code?: unknown }).code === 'PREUPD_SYSTEM') throw err;
    throw new Error(`applying plan: ${op.op} ${op.path}: ${(err as Error).message}`, { cause: err });
  }
}
