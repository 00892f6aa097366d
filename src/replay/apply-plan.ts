/**
 * applyPlan: carries out a Plan in the target, journaled and resumable (spec/reintegration.md
 * "Safety"). It does only what the plan says; a path it may not write is refused and reported,
 * and the rest goes on. `dryRun` checks every path and writes nothing, not even the journal.
 */
import type { AccountActionReport, Action } from '../ips/index.js';
import { applyOp, type OpContext, writeTargetFile } from './apply-op.js';
import { checkAccounts } from './account-check.js';
import { openJournal, journalPath } from './journal.js';
import { formatPlanJson } from './plan-json.js';
import type { Op, Plan, RootName } from './plan-types.js';
import { RefusedPathError, safeTarget } from './safe-target.js';

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
}

export interface Refusal {
  readonly path: string;
  readonly why: string;
}

export interface ApplyReport {
  /** A complete journal for this plan was found: nothing was done again. */
  readonly alreadyApplied: boolean;
  readonly units: number;
  /** Units carried out now (after a crash, the ones not done before). */
  readonly ran: number;
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

export function applyPlan(plan: Plan, options: ApplyOptions): ApplyReport {
  const target = safeTarget(options.target);
  const ctx: OpContext = { target, roots: options.roots, crashPoint: options.crashPoint ?? (() => {}) };
  const units = executionUnits(plan);
  const refused: Refusal[] = [];
  const refuse = (err: unknown) => {
    if (!(err instanceof RefusedPathError)) throw err;
    refused.push({ path: err.path, why: err.why });
  };
  if (options.dryRun) {
    for (const op of units.flatMap((u) => u.ops)) {
      try {
        target.check(op.path);
      } catch (err) {
        refuse(err);
      }
    }
    return { alreadyApplied: false, units: units.length, ran: 0, refused, accounts: [] };
  }
  // Opened first: a corrupt journal stops everything before a byte is written.
  const journal = openJournal(target, plan);
  try {
    if (journal.complete) return { alreadyApplied: true, units: units.length, ran: 0, refused, accounts: [] };
    // The plan is kept beside its journal before the first change (spec "Safety").
    writeTargetFile(journalPath(plan).replace(/\.log$/, '.plan.json'), formatPlanJson(plan), OWNER_ONLY, ctx);
    let ran = 0;
    for (const [i, unit] of units.entries()) {
      if (journal.done.has(i)) continue;
      journal.begin(i);
      try {
        for (const op of unit.ops) withContext(op, () => applyOp(op, ctx));
      } catch (err) {
        refuse(err);
      }
      journal.finish(i);
      ran++;
    }
    let accounts: AccountActionReport[] = [];
    if (options.accountActions && options.accountActions.length > 0) {
      const today = options.today ?? Math.floor(Date.now() / 86_400_000);
      try {
        accounts = checkAccounts(options.accountActions, today, ctx);
      } catch (err) {
        refuse(err);
      }
    }
    journal.finishAll();
    return { alreadyApplied: false, units: units.length, ran, refused, accounts };
  } finally {
    journal.close();
  }
}

/** "applying plan: /etc/hosts: EACCES ..." (spec/style.md "Errors"); refusals pass through. */
function withContext(op: Op, run: () => void): void {
  try {
    run();
  } catch (err) {
    if (err instanceof RefusedPathError) throw err;
    throw new Error(`applying plan: ${op.op} ${op.path}: ${(err as Error).message}`, { cause: err });
  }
}
