/** Runs plan + apply over three literal trees, as `preupd reintegrate` does on plain directories. */
import { mkdirSync } from 'node:fs';
import { makeAction, type PathEntry } from '../../src/ips/index.js';
import { applyPlan, type ApplyOptions, type ApplyReport } from '../../src/replay/apply-plan.js';
import { planTrees } from '../../src/replay/plan-trees.js';
import type { Plan, PlanStep } from '../../src/replay/plan-types.js';
import { cloneTree, tempDir, type Tree, writeTree } from './trees.js';

export const NOW = new Date('2026-12-04T01:02:03Z');
export const STAMP = '20261204T010203Z';

export interface Scenario {
  readonly base: Tree;
  readonly admin: Tree;
  readonly update: Tree;
  /**
   * update's `preserve` values by relative path (`etc/motd`), as its IPS manifests would say;
   * null: update delivers the path without one.
   */
  readonly preserve?: Record<string, string | null>;
  /** base's, likewise (read for paths update does not deliver). */
  readonly basePreserve?: Record<string, string | null>;
}

export interface ScenarioRun {
  readonly roots: { base: string; admin: string; update: string };
  readonly target: string;
  readonly plan: Plan;
  step(path: string): PlanStep | undefined;
}

/** A path index holding one `file` action per path with the given `preserve` (null: none). */
export function preserveIndex(preserve: Record<string, string | null> = {}): Map<string, PathEntry> {
  return new Map(Object.entries(preserve).map(([path, value]) => [
    path,
    { fmri: 'pkg://test/fixture@1.0', action: makeAction('file', [['path', path], ...(value === null ? [] : [['preserve', value] as [string, string]])], 'hash'), others: [] },
  ]));
}

/** Writes the three trees, clones update as the target, and plans (no apply yet). */
export async function planScenario(s: Scenario, top = tempDir()): Promise<ScenarioRun> {
  const roots = { base: `${top}/base`, admin: `${top}/admin`, update: `${top}/update` };
  writeTree(roots.base, s.base);
  writeTree(roots.admin, s.admin);
  writeTree(roots.update, s.update);
  const target = `${top}/target`;
  mkdirSync(target);
  cloneTree(roots.update, target);
  const plan = await planTrees(roots, { now: NOW, walk: { threads: 0 }, pathIndexes: { update: preserveIndex(s.preserve), base: preserveIndex(s.basePreserve) } });
  return { roots, target, plan, step: (path) => plan.steps.find((st) => st.path === path) };
}

export async function runScenario(s: Scenario, options: Partial<ApplyOptions> = {}): Promise<ScenarioRun & { report: ApplyReport }> {
  const run = await planScenario(s);
  const report = await applyPlan(run.plan, { target: run.target, roots: run.roots, ...options });
  return { ...run, report };
}
