/**
 * One reintegration pass between snapshots (spec/reintegration.md "Two passes"): base,
 * admin and update are read through their snapshots (`.zfs/snapshot` or a temporary
 * read-only clone), the plan is applied to the mounted target, and plan and report are kept
 * in the state directory.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { replaceFile } from '../replace-file.js';
import { applyPlan, type ApplyReport } from '../replay/apply-plan.js';
import { planOfJournal } from '../replay/journal.js';
import { formatPlanJson } from '../replay/plan-json.js';
import { planTrees, readImageIfAny } from '../replay/plan-trees.js';
import type { Plan, RootName } from '../replay/plan-types.js';
import { countOutcomes, formatApplyReport, formatPlanTable } from '../replay/report.js';
import { safeTarget } from '../replay/safe-target.js';
import { createNodeMaker } from '../system/mknod.js';
import { FIRST_BOOT_SERVICE_FILES } from '../system/smf-service.js';
import { withSnapshotView } from '../system/snapshot-view.js';
import type { CycleContext } from './context.js';

export interface PassResult {
  readonly plan: Plan;
  readonly report: ApplyReport;
  /** The plan table and apply report, as `preupd reintegrate` prints them. */
  readonly text: string;
  readonly conflicts: number;
  /** Files in the state directory, relative to its mount point. */
  readonly planFile: string;
  readonly reportFile: string;
}

/**
 * A database svc.configd keeps open: carried whole at stage time (stage.ts), never by a plan
 * (spec/reintegration.md "Files that need more than a copy"). On first boot manifest-import
 * imports update's manifests into it; a second pass must not put the old BE's copy back.
 */
export const SMF_REPOSITORY = '/etc/svc/repository.db';

export interface PassRequest {
  readonly snapshots: Readonly<Record<RootName, string>>;
  /** The mounted target: a copy of update. */
  readonly target: string;
  /** Under the state directory: `stages/<stageId>/<pass>`. */
  readonly name: string;
  /** Runs while the three views are open (carrying the SMF repository from admin). */
  readonly alsoWithRoots?: (roots: Readonly<Record<RootName, string>>) => Promise<void>;
}

export async function reintegrateSnapshots(ctx: CycleContext, request: PassRequest): Promise<PassResult> {
  const { zfs } = ctx.system;
  const rules = ctx.config.rulesFile === undefined ? undefined : await readRules(ctx.config.rulesFile);
  const { snapshots } = request;
  return withSnapshotView(zfs, snapshots.base, (base) =>
    withSnapshotView(zfs, snapshots.admin, (admin) =>
      withSnapshotView(zfs, snapshots.update, async (update) => {
        const roots = { base, admin, update };
        // A pass resumed after an interruption goes on with the plan (and stamp) it began with.
        const plan = planOfJournal(safeTarget(request.target), await planTrees(roots, { exclude: [SMF_REPOSITORY, ...FIRST_BOOT_SERVICE_FILES], ...(rules === undefined ? {} : { rules }) }));
        const image = await readImageIfAny(update);
        const accountActions = image ? [...image.users, ...image.groups].map((d) => d.action) : [];
        // FIFOs and device nodes through `mknod` on the system's runner (printed as its commands are).
        const nodeMaker = createNodeMaker(ctx.system.runner);
        const report = await applyPlan(plan, { target: request.target, roots, accountActions, ...(nodeMaker ? { nodeMaker } : {}) });
        await request.alsoWithRoots?.(roots);
        const text = formatPlanTable(plan) + formatApplyReport(report, false);
        const dir = join(ctx.config.stateMountpoint, request.name);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await replaceFile(join(dir, 'plan.json'), formatPlanJson(plan), { mode: 0o600 });
        await replaceFile(join(dir, 'report.txt'), text, { mode: 0o600 });
        const conflicts = countOutcomes(plan).conflict;
        return { plan, report, text, conflicts, planFile: `${request.name}/plan.json`, reportFile: `${request.name}/report.txt` };
      }),
    ),
  );
}

async function readRules(file: string): Promise<string> {
  try {
    return await readFile(file, 'latin1');
  } catch (err) {
    throw new InputError(file, undefined, `cannot read rules: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
  }
}
