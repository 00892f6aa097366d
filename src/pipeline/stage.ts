/**
 * `preupd stage` (spec/cli.md, spec/illumos.md §5.4, spec/reintegration.md "Two passes"):
 * clone the newest pristine snapshot as the new BE, `pkg -R` update it, snapshot it as the
 * next pristine, snapshot the running root, reintegrate the admin's changes into the BE,
 * carry the SMF repository, install the first-boot service, rebuild the boot archive when
 * due, record the BE in the state, then activate it (with --activate, or when a BE it
 * replaces boots next) and replace older unbooted BEs. Anything made is destroyed again when a step before the record fails; after
 * it, the next stage finishes the recorded BE. A stale BE the pool boots next that no new BE
 * replaces gives way to the running BE. A dry run prints the same commands.
 */
import { copyFile, mkdtemp, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { updateBootArchive } from '../system/bootadm.js';
import { installFirstBootService } from '../system/smf.js';
import { stageFirstBootService } from '../system/smf-service.js';
import { snapshotDirectory } from '../system/snapshot-view.js';
import type { UpdateCheck } from '../system/pkg.js';
import { loadInitialisedState, snapshotOnBe, stamp, type CycleContext } from './context.js';
import { reintegrateSnapshots, SMF_REPOSITORY, type PassResult } from './reintegrate-snapshots.js';
import { findRunningBe, nextBootBe, runningBase, type RunningBe } from './running.js';
import { forgetVanished, STAGE_IN_PROGRESS } from './stage-leftovers.js';
import { settleStage, undoStage } from './stage-replace.js';
import { writeState } from './state-file.js';
import { withStateLock } from './state-lock.js';
import { syncSnapshotNames } from './state-snapshots.js';
import { addPristine, findPristine, forgetStaged, latestPristine, nextPristineName, putStaged, unbootedStaged, type PreupdState, type StagedBe } from './state.js';

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

export async function stageUpdate(ctx: CycleContext, options: StageOptions): Promise<StageResult> {
  // A dry run writes nothing, not even the lock file.
  if (ctx.system.runner.dryRun) return stageLocked(ctx, options);
  return withStateLock(ctx.config.stateMountpoint, 'stage', () => stageLocked(ctx, options));
}

async function stageLocked(ctx: CycleContext, options: StageOptions): Promise<StageResult> {
  const running = await findRunningBe(ctx);
  const loaded = (await loadInitialisedState(ctx)).state;
  // Booted into a staged BE whose second pass has not run: staging now would replace it.
  // Checked first: from there every other unbooted BE would look stale.
  if (unbootedStaged(loaded).some((s) => s.be === running.be)) {
    throw new InputError(ctx.config.stateMountpoint, undefined, `${running.be} is running but not finished: run \`preupd boot-finish\` first`);
  }
  const state = await settleRecorded(ctx, loaded, running);
  // Still activated after demoteStale: the pool boots it next, and only the new BE may take its place.
  const staleNext = unbootedStaged(state).find((s) => s.activated && isStale(s, running));
  if (staleNext === undefined) return stageNewBe(ctx, options, state, running);
  try {
    const result = await stageNewBe(ctx, options, state, running);
    if (result.kind === 'no-updates') await bootRunningInstead(ctx, staleNext, running, state);
    return result;
  } catch (err) {
    // A dry run changed nothing. A real one may have failed before the new BE was activated
    // (then bootRunningInstead acts) or after (then the pool boots the new BE: it does not).
    if (!ctx.system.runner.dryRun) {
      await bootRunningInstead(ctx, staleNext, running, state).catch((also: unknown) =>
        ctx.say(`# booting ${running.be} next after the failure also failed: ${(also as Error).message}`),
      );
    }
    throw err;
  }
}

/** The stage proper, from the settled state: the new BE, made, recorded and settled. */
async function stageNewBe(ctx: CycleContext, options: StageOptions, state: PreupdState, running: RunningBe): Promise<StageResult> {
  const { zfs, pkg, runner, bootEnvironments: bes } = ctx.system;
  const { beContainer, bePrefix, stateMountpoint } = ctx.config;
  const now = options.now ?? new Date();
  const base = findPristine(state, await runningBase(ctx, state, running))!;
  const latest = latestPristine(state)!;
  const from = snapshotOnBe(beContainer, latest.name);
  if (!from) throw new InputError(latest.name, undefined, `the newest pristine snapshot is not on a BE in ${beContainer}`);
  for (const { name } of new Set([base, latest])) {
    if (await zfs.exists(name)) continue;
    // libbe's be_destroy destroys the snapshot a BE was cloned from once no other clone is:
    // `beadm destroy` of a staged BE by hand can take the running BE's base with it.
    throw new InputError(name, undefined, `destroyed outside preupd (beadm destroy of a BE cloned from it destroys it); preupd cannot stage from this chain: move ${stateMountpoint}/state.json aside and run \`preupd init --base-snapshot <snapshot>\` to start a new one`);
  }
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
    const check = runner.dryRun ? await dryRunUpdateCheck(ctx, latest.name) : await pkg.checkForUpdates(target);
    if (check?.available === false || (!(await pkg.update(target)) && !runner.dryRun)) {
      if (!runner.dryRun) await throwIf(await undoStage(ctx, made));
      return { kind: 'no-updates' };
    }
    await zfs.snapshot(pristine, { recursive: true });
    made.adminSnapshot = adminSnapshot;
    await zfs.snapshot(adminSnapshot, { recursive: true });
    let pass: PassResult | undefined;
    if (runner.dryRun) {
      ctx.say(`# plan ${base.name} / ${adminSnapshot} / ${pristine} and reintegrate into ${target} (needs the updated BE: not in a dry run)`);
      await carrySmfRepository(ctx, adminSnapshot, target);
    } else {
      pass = await reintegrateSnapshots(ctx, {
        snapshots: { base: base.name, admin: adminSnapshot, update: pristine },
        target,
        name: `stages/${id}/stage`,
        alsoWithRoots: async (roots) => carrySmfRepository(ctx, roots.admin, target),
      });
    }
    // Named after the stage: a repository carried from a BE whose own service ran holds that one, disabled.
    await installFirstBootService(runner, target, stageFirstBootService(id, options.finishCommand));
    // pkg rebuilds the archive itself only on a live image or when it says so (spec §5.1, §7.4).
    // Unknown (a dry run that could not ask pkg) counts as pkg's default: rebuild.
    if (pass?.plan.bootArchive || check?.plan?.bootArchiveRebuild !== false) await updateBootArchive(runner, target);
    else if (pass === undefined) ctx.say(`# bootadm update-archive -R ${target} only if the plan writes a boot-archive file`);
    made.mounted = false;
    await bes.unmount(be);
    // The BE exactly as staging left it: what its first boot and boot-finish changed can be told (zfs diff).
    await zfs.snapshot(`${dataset}@preupd-staged-${id}`, { recursive: true });
    const older = unbootedStaged(state);
    // Read now, not before the update: the admin may have chosen a BE meanwhile.
    const activate = options.activate || replacesNextBoot(older, await nextBootBe(ctx));

    // Recorded (`staging`) before anything irreversible: from here on a failure or a kill
    // leaves a BE the state knows, which the next stage settles instead of destroying.
    let staged: StagedBe | undefined;
    let next = state;
    if (pass !== undefined) {
      const guid = (await zfs.getProperty(pristine, 'guid'))!;
      const adminGuid = (await zfs.getProperty(adminSnapshot, 'guid'))!;
      staged = {
        stageId: id, be, dataset, pristineGuid: guid, baseGuid: base.guid,
        adminSnapshot: { guid: adminGuid, name: adminSnapshot },
        status: 'staging', activated: activate, plan: pass.planFile, report: pass.reportFile, conflicts: pass.conflicts,
        createdAt: now.toISOString(),
      };
      next = putStaged(addPristine(state, { guid, name: pristine }, latest.guid, now.toISOString()), staged);
      await writeState(stateMountpoint, next);
      made.be = made.adminSnapshot = undefined;
    }
    await zfs.inherit(dataset, STAGE_IN_PROGRESS);
    await settleStage(ctx, { be, dataset, origin: latest.name, activate }, older);
    if (pass === undefined || staged === undefined) return { kind: 'dry-run', be };
    staged = { ...staged, status: 'staged' };
    await writeState(stateMountpoint, await settled(ctx, putStaged(next, staged), older));
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

/**
 * The unbooted BEs the state records, made ready for a new stage: those destroyed outside
 * preupd forgotten, stale ones no longer activated, an interrupted stage finished. The result
 * is computed under --dry-run too (reads only), so the dry run goes on as the real one does;
 * only a real run writes it.
 */
async function settleRecorded(ctx: CycleContext, state: PreupdState, running: RunningBe): Promise<PreupdState> {
  const nextBoot = await nextBootBe(ctx);
  const present = await forgetVanished(ctx, state);
  const next = await finishInterruptedStage(ctx, demoteStale(ctx, present, running, nextBoot), nextBoot);
  if (next !== state && !ctx.system.runner.dryRun) await writeState(ctx.config.stateMountpoint, next);
  return next;
}

/**
 * An unbooted BE whose stage snapshot is not of the running BE is stale: the admin booted
 * another BE since (an older one, after an interrupted stage), so its first pass carried
 * another BE's files and its second pass would diff that BE, losing the edits made here. It
 * is neither activated nor settled: it becomes an older unbooted BE, which the new stage
 * replaces as always (promote, destroy it and its stage snapshot, forget it). Safer than
 * destroying it now: its pristine (pkg's output, no admin files) is the newest of the chain,
 * the new BE is cloned from it, and nothing is destroyed before the new BE exists. Its
 * activation no longer counts, unless the pool boots it next: then the new BE must take its
 * place, or a reboot would boot the stale BE; a stage that makes no new BE (no updates, a
 * failure) makes the running BE boot next instead (bootRunningInstead).
 */
function demoteStale(ctx: CycleContext, state: PreupdState, running: RunningBe, nextBoot: string | undefined): PreupdState {
  const stale = unbootedStaged(state).filter((s) => isStale(s, running));
  for (const s of stale) {
    const fate = s.be === nextBoot ? `the pool boots it next: a new BE takes its place, else the running ${running.be} does` : 'not activating it, this stage replaces it';
    ctx.say(`# ${s.be} was staged from another BE than the running ${running.be} (${s.adminSnapshot.name}): ${fate}`);
  }
  const demote = (s: StagedBe): StagedBe => (stale.includes(s) ? { ...s, status: 'staged', activated: s.be === nextBoot } : s);
  return stale.length === 0 ? state : { ...state, staged: state.staged.map(demote) };
}

function isStale(staged: StagedBe, running: RunningBe): boolean {
  return !staged.adminSnapshot.name.startsWith(`${running.dataset}@`);
}

/**
 * No new BE took the place of `stale`, which the pool boots next: the running BE boots next
 * instead, as `beadm activate` would make it, and `stale` is recorded not activated. Nothing
 * when the pool no longer boots `stale` (a stage that failed after activating its new BE).
 * Activation promotes the running BE, after which its origin no longer names its base: the
 * base goes into the state (runningBase reads it there first), when it is known.
 */
async function bootRunningInstead(ctx: CycleContext, stale: StagedBe, running: RunningBe, settledState: PreupdState): Promise<void> {
  const { bootEnvironments: bes, runner } = ctx.system;
  if ((await nextBootBe(ctx)) !== stale.be) return;
  // Unknown when the running BE is not on the chain: the stage failed on that, and it still boots next.
  const baseGuid = await runningBase(ctx, settledState, running).catch(() => undefined);
  ctx.say(`# no new BE takes the place of ${stale.be}, which the pool boots next but which was staged from another BE: activating the running ${running.be} instead`);
  if (!runner.dryRun) {
    // Written before the activation, whose promotion leaves the running BE without an origin
    // to find its base by: a kill right after it must not leave a state that cannot. If the
    // activation fails, the next stage sees the stale BE boot next again (demoteStale).
    // Read again: a stage that failed after recording its BE wrote it.
    const { state } = await loadInitialisedState(ctx);
    const staged = state.staged.map((s) => (s.stageId === stale.stageId ? { ...s, activated: false } : s));
    await writeState(ctx.config.stateMountpoint, { ...state, staged, ...(baseGuid === undefined ? {} : { running: { be: running.be, baseGuid } }) });
  }
  await bes.activate(running.be);
}

/**
 * A stage recorded its BE (`staging`) but was interrupted before settling it: activate it if
 * that was asked, replace the BEs it replaces, and record it `staged`, before anything new.
 */
async function finishInterruptedStage(ctx: CycleContext, state: PreupdState, nextBoot: string | undefined): Promise<PreupdState> {
  const unbooted = unbootedStaged(state);
  const newest = unbooted.at(-1);
  if (newest?.status !== 'staging') return state;
  ctx.say(`# ${newest.be} is left from a stage interrupted at ${newest.stageId} after it was recorded: finishing that stage`);
  const older = unbooted.slice(0, -1);
  const origin = await ctx.system.zfs.getProperty(newest.dataset, 'origin');
  const activated = newest.activated || replacesNextBoot(older, nextBoot);
  await settleStage(ctx, { ...newest, origin: origin === '-' ? undefined : origin, activate: activated && nextBoot !== newest.be }, older);
  return settled(ctx, putStaged(state, { ...newest, status: 'staged', activated }), older);
}

/**
 * Whether a BE the new one replaces is the one the pool boots next, however it came to be:
 * activated by a stage, or by the admin with `beadm activate` (the way to choose a staged
 * BE). The new BE takes its place: the admin chose the update it carried, and destroying the
 * BE that boots next would make libbe activate the running BE instead (be_destroy). A BE a stage activated that the admin has since
 * replaced by another (`beadm activate be0`) no longer counts: the admin's choice stands.
 */
function replacesNextBoot(older: readonly StagedBe[], nextBoot: string | undefined): boolean {
  return nextBoot !== undefined && older.some((s) => s.be === nextBoot);
}

/** `state` without the replaced BEs, with snapshot names as promotions left them. */
async function settled(ctx: CycleContext, state: PreupdState, replaced: readonly StagedBe[]): Promise<PreupdState> {
  const remaining = replaced.reduce((next, old) => forgetStaged(next, old.stageId), state);
  return (await syncSnapshotNames(remaining, ctx.system.zfs, ctx.config.beContainer)).state;
}

/**
 * Under --dry-run the clone does not exist: pkg is asked about the snapshot it would be made
 * from, through .zfs/snapshot (a temporary clone would change the pool). Where that is not
 * reachable (the snapshot's BE is not mounted), updates are assumed, and said so: undefined.
 */
async function dryRunUpdateCheck(ctx: CycleContext, snapshot: string): Promise<UpdateCheck | undefined> {
  const root = await snapshotDirectory(ctx.system.zfs, snapshot);
  if (root !== undefined) return ctx.system.pkg.checkForUpdates(root);
  ctx.say(`# ${snapshot} is not reachable through .zfs/snapshot: assuming updates are available`);
  return undefined;
}

/** The repository cannot be replaced under a running svc.configd: copied now, never by boot-finish (spec §7.4). */
async function carrySmfRepository(ctx: CycleContext, adminRoot: string, target: string): Promise<void> {
  const source = join(adminRoot, SMF_REPOSITORY);
  const present = ctx.system.runner.dryRun || (await stat(source).then((s) => s.isFile(), () => false));
  if (!present) return;
  await ctx.system.runner.effect(`copy the SMF repository ${source} to ${join(target, SMF_REPOSITORY)}`, () =>
    copyFile(source, join(target, SMF_REPOSITORY)),
  );
}

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
  // A dry run only printed the destroy: the dataset is still there.
  if (!ctx.system.runner.dryRun && (await ctx.system.zfs.exists(dataset))) {
    throw new InputError(dataset, undefined, `left from an interrupted stage and could not be destroyed: destroy it, then stage again`);
  }
}

async function throwIf(err: unknown): Promise<void> {
  if (err !== undefined) throw err;
}
