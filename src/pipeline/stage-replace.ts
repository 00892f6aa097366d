/**
 * The end of a stage, after the new BE is recorded in the state (status `staging`): the
 * irreversible steps. With --activate (or when a BE it replaces boots next) the new BE
 * boots next; then it replaces the older unbooted BEs (issue 6, `stage`). The next stage runs
 * this again for a BE still `staging`, so a stage interrupted here is finished, not lost.
 */
import type { CycleContext } from './context.js';
import type { StagedBe } from './state.js';

export interface NewestBe {
  readonly be: string;
  readonly dataset: string;
  /**
   * The snapshot the BE was cloned from while not promoted since; undefined once promoted.
   * Only a dry run goes by it: a real run reads the origins (clonesOfOld).
   */
  readonly origin: string | undefined;
  readonly activate: boolean;
}

export async function settleStage(ctx: CycleContext, newest: NewestBe, older: readonly StagedBe[]): Promise<void> {
  if (newest.activate) await ctx.system.bootEnvironments.activate(newest.be);
  // Activation promoted the new BE (spec/illumos.md §6): the snapshots it came from are its own.
  const origin = newest.activate ? undefined : newest.origin;
  for (const old of older) await replaceUnbooted(ctx, newest.dataset, origin, old, plannedOrigin(newest, old));
}

/**
 * The origin the old BE's root has once the new BE, its clone, was promoted (by activation or
 * by replaceUnbooted): the snapshot the new BE came from, now the new BE's. A dry run only
 * printed the promotion: the BE destroy that follows goes by this (it keeps the origin).
 */
function plannedOrigin(newest: NewestBe, old: StagedBe): string | undefined {
  const prefix = `${old.dataset}@`;
  return newest.origin?.startsWith(prefix) ? `${newest.dataset}@${newest.origin.slice(prefix.length)}` : undefined;
}

/**
 * The new BE is usually a clone of the old one's pristine snapshot: it is promoted first, so
 * that snapshot (and the chain before it) moves onto the new BE and the old BE, now a plain
 * clone, can go (spec/illumos.md §6: promotion moves the origin and older ones). When the
 * old BE cannot be destroyed (mounted, busy), the promotions are undone: nothing changed.
 * Its stage snapshot goes too, also when the BE is already gone (a stage killed after
 * destroying it): nothing reads the snapshot once the BE is gone.
 */
async function replaceUnbooted(
  ctx: CycleContext,
  newDataset: string,
  origin: string | undefined,
  old: StagedBe,
  oldOrigin: string | undefined,
): Promise<void> {
  const { zfs, bootEnvironments } = ctx.system;
  if (await zfs.exists(old.dataset)) {
    const pairs = await clonesOfOld(ctx, newDataset, origin, old.dataset);
    const promoted: string[] = [];
    try {
      for (const [dataset, clone] of pairs) {
        await zfs.promote(clone);
        promoted.push(dataset);
      }
      await bootEnvironments.destroy(old.be, oldOrigin === undefined ? {} : { plannedOrigin: oldOrigin });
    } catch (err) {
      // Nothing to undo once the old BE is gone (a failure after its destroy: removing the keeper).
      if (await zfs.exists(old.dataset)) for (const dataset of promoted) await zfs.promote(dataset);
      throw err;
    }
  }
  await destroyStageSnapshot(ctx, old);
}

/** The snapshot of the running root a stage took, once its BE is gone or replaced. */
export async function destroyStageSnapshot(ctx: CycleContext, staged: StagedBe): Promise<void> {
  const { zfs } = ctx.system;
  if (await zfs.exists(staged.adminSnapshot.name)) await zfs.destroy(staged.adminSnapshot.name, { recursive: true });
}

/**
 * Each file system of the new BE still cloned from one of `source` (the old BE), with that
 * file system. A real run reads every origin: a stage killed between promotions leaves the
 * root promoted and a child not. The new BE does not exist under --dry-run: then its root's
 * origin (as it would be) decides, and beadm create -e cloned every file system of `source`.
 */
async function clonesOfOld(ctx: CycleContext, dataset: string, origin: string | undefined, source: string): Promise<[string, string][]> {
  const { zfs, runner } = ctx.system;
  if (runner.dryRun) {
    if (!origin?.startsWith(`${source}@`)) return [];
    const rows = await zfs.list({ roots: [source], type: 'filesystem', depth: 'all', properties: [] });
    return rows.map((row) => [row.name, dataset + row.name.slice(source.length)]);
  }
  const rows = await zfs.list({ roots: [dataset], type: 'filesystem', depth: 'all', properties: ['origin'] });
  return rows.flatMap((row): [string, string][] => {
    const from = row.properties.origin?.split('@')[0] ?? '-';
    return from === source || from.startsWith(`${source}/`) ? [[from, row.name]] : [];
  });
}

/**
 * Removes what a failed stage made, newest first (issue 6: "a failed stage leaves no
 * half-made datasets"). Every step is tried; the first cleanup failure is returned so the
 * caller can name it next to the original error.
 */
export async function undoStage(
  ctx: CycleContext,
  made: { readonly be?: string; readonly mounted: boolean; readonly adminSnapshot?: string },
): Promise<unknown> {
  const { zfs, bootEnvironments } = ctx.system;
  let failure: unknown;
  const attempt = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failure ??= err;
    }
  };
  if (made.be !== undefined && made.mounted) await attempt(() => bootEnvironments.unmount(made.be!));
  if (made.be !== undefined) {
    const be = made.be;
    await attempt(async () => {
      if (await zfs.exists(`${ctx.config.beContainer}/${be}`)) await bootEnvironments.destroy(be);
    });
  }
  if (made.adminSnapshot !== undefined) {
    const snapshot = made.adminSnapshot;
    await attempt(async () => {
      if (await zfs.exists(snapshot)) await zfs.destroy(snapshot, { recursive: true });
    });
  }
  return failure;
}
