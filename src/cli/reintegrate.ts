/**
 * `preupd reintegrate`: applies a fresh plan, or a reviewed `--plan plan.json` whose inputs
 * must not have changed, to `--target` (spec/cli.md). Journaled; `--dry-run` writes nothing.
 */
import { readFileSync } from 'node:fs';
import { fromCwd } from './io.js';
import { InputError, UsageError } from '../errors.js';
import { applyPlan, type ApplyReport } from '../replay/apply-plan.js';
import { planOfJournal } from '../replay/journal.js';
import { formatPlanJson, parsePlanJson, toAsciiJson } from '../replay/plan-json.js';
import { readImageIfAny } from '../replay/plan-trees.js';
import type { Plan } from '../replay/plan-types.js';
import { timeOfStamp } from '../replay/planner.js';
import { escapeName } from '../manifest/format.js';
import { applyReportJson, countOutcomes, formatApplyReport, formatPlanTable } from '../replay/report.js';
import { safeTarget } from '../replay/safe-target.js';
import { checkTargetIsCopyOfUpdate } from '../replay/target-check.js';
import { createNodeMaker } from '../system/mknod.js';
import { createProcessRunner } from '../system/process-runner.js';
import { strerror } from '../walk/walk-fs.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { directoryArg, planFromArgs, rootOptions, writeLatin1, type RootArgs } from './plan.js';

interface ReintegrateArgs extends RootArgs {
  target: string;
  plan?: string;
  dryRun: boolean;
}

function readPlanFile(file: string, cwd: string): Plan {
  let text: string;
  try {
    text = readFileSync(fromCwd(cwd, file), 'latin1');
  } catch (err) {
    throw new InputError(file, undefined, strerror(err));
  }
  return parsePlanJson(text, file);
}

/**
 * The reviewed plan, when it is exactly what these inputs plan to at its stamp (`fresh`, made
 * at that time): refused when a root changed since, and when a step was edited, which could
 * make it read or write anything (a source through a symlink in a root, found by review).
 */
function checkedPlan(reviewed: Plan, fresh: Plan, file: string): Plan {
  const changed = (['base', 'admin', 'update'] as const).filter((root) => reviewed.inputs.fingerprint[root] !== fresh.inputs.fingerprint[root]);
  if (changed.length > 0) throw new InputError(file, undefined, `plan was made from other inputs: ${changed.join(', ')} changed since`);
  if (formatPlanJson(reviewed) === formatPlanJson(fresh)) return reviewed;
  const at = reviewed.steps.findIndex((s, i) => toAsciiJson(s) !== toAsciiJson(fresh.steps[i]));
  const where = at < 0 ? 'its summary' : `step ${at + 1} ${escapeName(reviewed.steps[at]!.path)}`;
  throw new InputError(file, undefined, `${where} is not what these inputs plan to: edited, or made by another preupd version`);
}

export const reintegrateCommand: CommandFactory = ({ io, exit }) => ({
  command: 'reintegrate',
  builder: (y) =>
    rootOptions(y)
      .option('target', { type: 'string', demandOption: true, describe: 'the copy or clone of update to write to' })
      .option('plan', { type: 'string', describe: 'apply this plan (from preupd plan -o) instead of a fresh one' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'check and report, write nothing (the mknod commands of FIFOs and devices are printed)' })
      .example('$0 reintegrate --base /a --admin /b --update /c --target /d', 'plan and apply')
      .epilogue(`Exit status 1 means conflicts were resolved by policy, or paths were refused.\n${EXIT_CODES_TEXT}`),
  handler: async (parsed) => {
    const args = parsed as unknown as ReintegrateArgs;
    const target = directoryArg(args.target, io.cwd);
    const reviewed = args.plan === undefined ? undefined : readPlanFile(args.plan, io.cwd);
    const { plan: fresh, roots } = await planFromArgs(args, io, reviewed && timeOfStamp(reviewed.stamp));
    // The roots are read-only inputs; writing into one would change what the plan was made from.
    if (Object.values(roots).includes(target)) throw new UsageError('--target must be a copy of update, not base, admin or update itself');
    const chosen = reviewed === undefined ? fresh : checkedPlan(reviewed, fresh, args.plan!);
    // An interrupted or finished apply of these inputs goes on with its own plan and stamp.
    const plan = planOfJournal(safeTarget(target), chosen);
    checkTargetIsCopyOfUpdate(target, roots.update, plan);
    const image = await readImageIfAny(roots.update);
    // FIFOs and device nodes are made by `mknod`, printed as `+ mknod ...` as the cycle
    // commands print theirs (to stderr with --json), and under --dry-run only printed.
    let said: Promise<void> = Promise.resolve();
    const say = (line: string) => {
      said = said.then(() => (args.json ? io.stderr(`+ ${line}\n`) : io.stdout(`+ ${line}\n`)));
    };
    const nodeMaker = createNodeMaker(createProcessRunner({ env: io.env, dryRun: args.dryRun, onCommand: say }));
    let report: ApplyReport;
    try {
      report = await applyPlan(plan, {
        target, roots, dryRun: args.dryRun, accountActions: image ? [...image.users, ...image.groups].map((d) => d.action) : [],
        ...(nodeMaker ? { nodeMaker } : {}),
      });
    } finally {
      await said; // the commands run before a failure are shown before its error line
    }
    const text = args.json
      ? toAsciiJson({ plan, apply: applyReportJson(report) })
      : formatPlanTable(plan) + formatApplyReport(report, args.dryRun);
    await writeLatin1(io, text);
    exit(countOutcomes(plan).conflict > 0 || report.refused.length > 0 ? 1 : 0);
  },
});
