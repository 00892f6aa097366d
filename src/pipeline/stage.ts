/**
 * `preupd stage` (spec/cli.md, spec/illumos.md §5.4, spec/reintegration.md "Two passes"):
 * clone the newest pristine snapshot as the new BE, `pkg -R` update it, snapshot it as the
 * next pristine, snapshot the running root, reintegrate the admin's changes into the BE,
 * carry the SMF repository, install the first-boot service, rebuild the boot archive when
 * due, register (and with --activate, activate) the BE. Anything made is destroyed again
 * when a step fails.
 */
import { copyFile, mkdtemp, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { updateBootArchive } from '../system/bootadm.js';
import { installFirstBootService } from '../system/smf.js';
import { defaultFirstBootService } from '../system/smf-service.js';
import { withSnapshotView } from '../system/snapshot-view.js';
import { loadInitialisedState, snapshotOnBe, stamp, type CycleContext } from './context.js';
import { reintegrateSnapshots, type PassResult } from './reintegrate-snapshots.js';
import { findRunningBe, runningBase } from './running.js';
import { undoStage, replaceUnbooted } from './stage-replace.js';
import { writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { syncSnapshotNames } from './state-snapshots.js';
import { addPristine, findPristine, forgetStaged, latestPristine, nextPristineName, putStaged, unbootedStaged, type StagedBe } from './state.js';

export interface StageOptions {
  readonly activate: boolean;
  /** What the first-boot service runs (spec/illumos.md §7). */
  readonly finishCommand: readonly string[];
  readonly now?: Date;
}

export type StageResult =
  | { readonly kind: 'no-updates' }
  | { readonly kind: 'dry-run'; readonly be: string }
  | { readonly kind: 'staged'; readonly staged: StagedBe; readonly pass: PassResult; readonly replaced: readonly string[] };

/** The repository cannot be replaced under a running svc.configd: copied now (spec §7.4). */
const SMF_REPOSITORY = 'etc/svc/repository.db';

export async function stageUpdate(ctx: CycleContext, options: StageOptions): Promise<StageResult> {
  // A dry run writes nothing, not even the lock file.
  if (ctx.system.runner.dryRun) return stageLocked(ctx, options);
  return withStateLock(ctx.config.stateMountpoint, 'stage', () => stageLocked(ctx, options));
}

async function stageLocked(ctx: CycleContext, options: StageOptions): Promise<StageResult> {
  const { zfs, pkg, runner, bootEnvironments: bes } = ctx.system;
  const { beContainer, bePrefix, stateMountpoint } = ctx.config;
  const now = options.now ?? new Date();
  const { state } = await loadInitialisedState(ctx);
  const running = await findRunningBe(ctx);
  // Booted into a staged BE whose second pass has not run: staging now would replace it.
  if (unbootedStaged(state).some((s) => s.be === running.be)) {
    throw new InputError(ctx.config.stateMountpoint, undefined, `${running.be} is running but not finished: run \`preupd boot-finish\` first`);
  }
  const base = findPristine(state, await runningBase(ctx, state, running))!;
  const latest = latestPristine(state)!;
  const from = snapshotOnBe(beContainer, latest.name);
  if (!from) throw new InputError(latest.name, undefined, `the newest pristine snapshot is not on a BE in ${beContainer}`);
  const pristineName = nextPristineName(state);
  const sequence = pristineName.slice('preupd-pristine-'.length);
  const be = `${bePrefix}-${sequence}`;
  const dataset = `${beContainer}/${be}`;
  const id = stamp(now);
  const adminSnapshot = `${running.dataset}@preupd-stage-${id}`;
  const pristine = `${dataset}@${pristineName}`;
  if (await zfs.exists(dataset)) await removeInterruptedStage(ctx, dataset, be, running.dataset);

  const target = await mkdtemp(join(tmpdir(), 'preupd-stage-'));
  const made: { be?: string; mounted: boolean; adminSnapshot?: string } = { mounted: false };
  try {
    made.be = be;
    await bes.create(be, from, `preupd ${sequence}`);
    // Marks the BE as this stage's until it is recorded in the state: a stage killed
    // half-way leaves a BE that the next stage recognises and removes.
    await zfs.set(dataset, { [STAGE_IN_PROGRESS]: id });
    await bes.mount(be, target);
    made.mounted = true;
    await pkg.refresh(target);
    // Under --dry-run the clone does not exist: ask about the snapshot it would be made from.
    const check = runner.dryRun ? await withSnapshotView(zfs, latest.name, (root) => pkg.checkForUpdates(root)) : await pkg.checkForUpdates(target);
    if (!check.available || (!(await pkg.update(target)) && !runner.dryRun)) {
      if (!runner.dryRun) await throwIf(await undoStage(ctx, made));
      return { kind: 'no-updates' };
    }
    await zfs.snapshot(pristine, { recursive: true });
    made.adminSnapshot = adminSnapshot;
    await zfs.snapshot(adminSnapshot, { recursive: true });
    if (runner.dryRun) {
      ctx.say(`# plan ${base.name} / ${adminSnapshot} / ${pristine} and reintegrate into ${target} (needs the updated BE: not in a dry run)`);
      const dry = { be, target, adminSnapshot, staged: `${dataset}@preupd-staged-${id}`, pkgSaysRebuild: check.plan?.bootArchiveRebuild !== false };
      await finishDryRun(ctx, dry, { ...options, activate: options.activate || unbootedStaged(state).some((s) => s.activated) });
      for (const old of unbootedStaged(state)) {
        // The new BE would be a clone of old's pristine when that was the newest: promoted first.
        if (latest.name.startsWith(`${old.dataset}@`)) await zfs.promote(dataset);
        await bes.destroy(old.be);
        await zfs.destroy(old.adminSnapshot.name, { recursive: true });
      }
      return { kind: 'dry-run', be };
    }
    const pass = await reintegrateSnapshots(ctx, {
      snapshots: { base: base.name, admin: adminSnapshot, update: pristine },
      target,
      name: `stages/${id}/stage`,
      alsoWithRoots: async (roots) => carrySmfRepository(ctx, roots.admin, target),
    });
    await installFirstBootService(runner, target, defaultFirstBootService(options.finishCommand));
    // pkg rebuilds the archive itself only on a live image or when it says so (spec §5.1, §7.4).
    if (pass.plan.bootArchive || check.plan?.bootArchiveRebuild !== false) await updateBootArchive(runner, target);
    made.mounted = false;
    await bes.unmount(be);
    // The second pass's update: the BE exactly as staging left it (spec "Two passes").
    await zfs.snapshot(`${dataset}@preupd-staged-${id}`, { recursive: true });
    const older = unbootedStaged(state);
    const activate = options.activate || older.some((s) => s.activated);
    if (activate) await bes.activate(be);
    for (const old of older) await replaceUnbooted(ctx, dataset, old);

    const guid = (await zfs.getProperty(pristine, 'guid'))!;
    const adminGuid = (await zfs.getProperty(adminSnapshot, 'guid'))!;
    const staged: StagedBe = {
      stageId: id, be, dataset, pristineGuid: guid, baseGuid: base.guid,
      adminSnapshot: { guid: adminGuid, name: adminSnapshot },
      status: 'staged', activated: activate, plan: pass.planFile, report: pass.reportFile, conflicts: pass.conflicts,
      createdAt: now.toISOString(),
    };
    let next = putStaged(addPristine(state, { guid, name: pristine }, latest.guid, now.toISOString()), staged);
    for (const old of older) next = forgetStaged(next, old.stageId);
    // Promotions above moved snapshots: store their names as they are now.
    next = (await syncSnapshotNames(next, zfs, beContainer)).state;
    await writeState(stateMountpoint, next);
    await zfs.inherit(dataset, STAGE_IN_PROGRESS);
    return { kind: 'staged', staged, pass, replaced: older.map((s) => s.be) };
  } catch (err) {
    if (!runner.dryRun) {
      const cleanup = await undoStage(ctx, made);
      if (cleanup !== undefined) ctx.say(`# cleanup after the failure also failed: ${(cleanup as Error).message}`);
    }
    throw err;
  } finally {
    await rmdir(target).catch(() => {});
  }
}

/** The dry run's remaining commands, in the real run's order. */
async function finishDryRun(
  ctx: CycleContext,
  dry: { be: string; target: string; adminSnapshot: string; staged: string; pkgSaysRebuild: boolean },
  options: StageOptions,
): Promise<void> {
  const { runner, zfs, bootEnvironments: bes } = ctx.system;
  await carrySmfRepository(ctx, dry.adminSnapshot, dry.target);
  await installFirstBootService(runner, dry.target, defaultFirstBootService(options.finishCommand));
  if (dry.pkgSaysRebuild) await updateBootArchive(runner, dry.target);
  else ctx.say(`# bootadm update-archive -R ${dry.target} only if the plan writes a boot-archive file`);
  await bes.unmount(dry.be);
  await zfs.snapshot(dry.staged, { recursive: true });
  if (options.activate) await bes.activate(dry.be);
}

async function carrySmfRepository(ctx: CycleContext, adminRoot: string, target: string): Promise<void> {
  const source = join(adminRoot, SMF_REPOSITORY);
  const present = ctx.system.runner.dryRun || (await stat(source).then((s) => s.isFile(), () => false));
  if (!present) return;
  await ctx.system.runner.effect(`copy the SMF repository ${source} to ${join(target, SMF_REPOSITORY)}`, () =>
    copyFile(source, join(target, SMF_REPOSITORY)),
  );
}

/** User property on a BE that a stage made and has not yet recorded in the state. */
const STAGE_IN_PROGRESS = 'org.preupd:stage-in-progress';

/**
 * The next BE's dataset exists but is not in the state: remove it when a stage that was
 * killed made it (it carries STAGE_IN_PROGRESS), with that stage's snapshot of the running
 * root; anything else is not preupd's to destroy.
 */
async function removeInterruptedStage(ctx: CycleContext, dataset: string, be: string, runningDataset: string): Promise<void> {
  const stageId = await ctx.system.zfs.getProperty(dataset, STAGE_IN_PROGRESS);
  if (stageId === undefined) {
    throw new InputError(dataset, undefined, 'exists but was not made by a preupd stage: destroy or rename it, then stage again');
  }
  ctx.say(`# ${be} is left from a stage interrupted at ${stageId}: removing it`);
  // It may or may not still be mounted: an unmount failure alone is not a failure here.
  await undoStage(ctx, { be, mounted: true, adminSnapshot: `${runningDataset}@preupd-stage-${stageId}` });
  if (await ctx.system.zfs.exists(dataset)) {
    throw new InputError(dataset, undefined, `left from an interrupted stage and could not be destroyed: destroy it, then stage again`);
  }
}

async function throwIf(err: unknown): Promise<void> {
  if (err !== undefined) throw err;
}
