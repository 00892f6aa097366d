/**
 * Readable text for a plan and an apply (spec/cli.md `preupd plan`): one line per step with
 * rule, outcome, path, action, and for conflicts the resolution and where the other version
 * went. Paths are quoted as bart quotes names, so a newline in a name stays on one line.
 * Never prints file contents or field values: shadow hashes and key material stay out.
 */
import type { AccountActionReport } from '../ips/index.js';
import { escapeName } from '../manifest/format.js';
import type { ApplyReport } from './apply-plan.js';
import type { Outcome, Plan, PlanStep } from './plan-types.js';

/**
 * Free text that may quote a path (a refusal's reason) or a record key, or is a sentence (a
 * majors clash): only a newline must not break the line, spaces stay readable.
 */
const oneLine = (text: string): string => text.replace(/\n/g, '\\012');

export function formatStep(s: PlanStep): string {
  const head = `${s.rule.padEnd(3)} ${s.outcome.padEnd(8)} ${escapeName(s.path)}  ${s.action}`;
  const parts = [s.resolution ? `${head} -> ${s.resolution}` : head];
  for (const copy of s.saved) parts.push(`${copy.version}'s version saved as ${escapeName(copy.to)}`);
  if (s.fields && s.fields.length > 0) parts.push(`fields: ${s.fields.map(oneLine).join(',')}`);
  parts.push(`(${s.reason})`);
  return parts.join('; ').replace('; (', '  (');
}

export function countOutcomes(plan: Plan): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { carried: 0, same: 0, merged: 0, conflict: 0 };
  for (const s of plan.steps) counts[s.outcome]++;
  return counts;
}

/** The plan table: a summary line first (ostree's habit: counts before any write), then the steps. */
export function formatPlanTable(plan: Plan): string {
  const c = countOutcomes(plan);
  const lines = [
    `plan ${plan.id}: ${plan.steps.length} steps (${c.carried} carried, ${c.merged} merged, ${c.conflict} conflicts, ${c.same} same); ` +
      `${plan.unchanged} unchanged, ${plan.excluded} excluded`,
    ...plan.steps.map(formatStep),
  ];
  if (plan.bootArchive) lines.push('boot archive: a file of boot/solaris/filelist.ramdisk changes; bootadm update-archive is needed');
  return `${lines.join('\n')}\n`;
}

/** Problems as pkg verify words them, with password values blanked (they are hashes). */
const redacted = (problems: readonly string[]): string[] =>
  problems.map((p) => (p.startsWith('password:') ? 'password: differs (value not shown)' : p));

function accountLine(r: AccountActionReport): string {
  const problems = redacted(r.problems);
  const what = r.applied ? 're-applied' : `not re-applied${r.notes.length > 0 ? ` (${r.notes.join('; ')})` : ''}`;
  return `${r.action.type} ${r.name}: ${problems.join(', ')}: ${what}`;
}

/** The apply report as data for `--json`: account actions by type and name, passwords blanked. */
export function applyReportJson(report: ApplyReport): object {
  const accounts = report.accounts.map((r) => ({ type: r.action.type, name: r.name, problems: redacted(r.problems), applied: r.applied, notes: r.notes }));
  return { ...report, accounts };
}

export function formatApplyReport(report: ApplyReport, dryRun: boolean): string {
  const lines: string[] = [];
  if (report.alreadyApplied) lines.push('already applied (complete journal): nothing done');
  else if (dryRun) lines.push(`dry run: ${report.units} units would run; nothing written`);
  else lines.push(`applied ${report.ran} of ${report.units} units${report.ran < report.units ? ' (the rest were done before an interruption)' : ''}`);
  for (const r of report.refused) lines.push(`refused ${escapeName(r.path)}: ${oneLine(r.why)}`);
  for (const r of report.accounts) lines.push(accountLine(r));
  return `${lines.join('\n')}\n`;
}
