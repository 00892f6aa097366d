/**
 * An update arriving before the previously staged BE was booted replaces that BE (issue 6,
 * `stage`). The new BE is usually a clone of the old one's pristine snapshot: it is promoted
 * first, so that snapshot (and the chain before it) moves onto the new BE and the old BE,
 * now a plain clone, can go (spec/illumos.md §6: promotion moves the origin and older ones).
 */
import type { CycleContext } from './context.js';
import type { StagedBe } from './state.js';

export async function replaceUnbooted(ctx: CycleContext, newDataset: string, old: StagedBe): Promise<void> {
  const { zfs, bootEnvironments } = ctx.system;
  if (!(await zfs.exists(old.dataset))) return;
  await promoteOffOf(ctx, newDataset, old.dataset);
  await bootEnvironments.destroy(old.be);
  if (await zfs.exists(old.adminSnapshot.name)) await zfs.destroy(old.adminSnapshot.name, { recursive: true });
}

/** Promotes every dataset of `dataset` whose origin lives on `source` (or its children). */
async function promoteOffOf(ctx: CycleContext, dataset: string, source: string): Promise<void> {
  const { zfs } = ctx.system;
  const rows = await zfs.list({ roots: [dataset], type: 'filesystem', depth: 'all', properties: ['origin'] });
  for (const row of rows) {
    const origin = row.properties.origin ?? '-';
    if (origin.startsWith(`${source}@`) || origin.startsWith(`${source}/`)) await zfs.promote(row.name);
  }
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
