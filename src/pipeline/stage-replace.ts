/**
 * The end of a stage, after the new BE is recorded in the state (status `staging`): the
 * irreversible steps. With --activate (or when a BE it replaces was activated) the new BE
 * boots next; then it replaces the older unbooted BEs (issue 6, `stage`). The next stage runs
 * this again for a BE still `staging`, so a stage interrupted here is finished, not lost.
 */
import type { CycleContext } from './context.js';
import type { StagedBe } from './state.js';

export interface NewestBe {
  readonly be: string;
  readonly dataset: string;
  /** The snapshot the BE was cloned from while not promoted since; undefined once promoted. */
  readonly origin: string | undefined;
  readonly activate: boolean;
}

export async function settleStage(ctx: CycleContext, newest: NewestBe, older: readonly StagedBe[]): Promise<void> {
  if (newest.activate) await ctx.system.bootEnvironments.activate(newest.be);
  // Activation promoted the new BE (spec/illumos.md §6): the snapshots it came from are its own.
  const origin = newest.activate ? undefined : newest.origin;
  for (const old of older) await replaceUnbooted(ctx, newest.dataset, origin, old);
}

/**
 * The new BE is usually a clone of the old one's pristine snapshot: it is promoted first, so
 * that snapshot (and the chain before it) moves onto the new BE and the old BE, now a plain
 * clone, can go (spec/illumos.md §6: promotion moves the origin and older ones). When the
 * old BE cannot be destroyed (mounted, busy), the promotions are undone: nothing changed.
 */
async function replaceUnbooted(ctx: CycleContext, newDataset: string, origin: string | undefined, old: StagedBe): Promise<void> {
  const { zfs, bootEnvironments } = ctx.system;
  if (!(await zfs.exists(old.dataset))) return;
  const pairs = origin?.startsWith(`${old.dataset}@`) ? await counterparts(ctx, old.dataset, newDataset) : [];
  const promoted: string[] = [];
  try {
    for (const [dataset, clone] of pairs) {
      await zfs.promote(clone);
      promoted.push(dataset);
    }
    await bootEnvironments.destroy(old.be);
  } catch (err) {
    for (const dataset of promoted) await zfs.promote(dataset);
    throw err;
  }
  if (await zfs.exists(old.adminSnapshot.name)) await zfs.destroy(old.adminSnapshot.name, { recursive: true });
}

/**
 * Each file system of `source` with its clone in `dataset` (beadm create -e cloned every
 * one), read from `source`: the new BE does not exist yet under --dry-run.
 */
async function counterparts(ctx: CycleContext, source: string, dataset: string): Promise<[string, string][]> {
  const rows = await ctx.system.zfs.list({ roots: [source], type: 'filesystem', depth: 'all', properties: [] });
  return rows.map((row) => [row.name, dataset + row.name.slice(source.length)]);
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
