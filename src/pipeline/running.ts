import { InputError } from '../errors.js';
import type { Zfs } from '../system/zfs.js';
import type { CycleContext } from './context.js';
import { findPristine, type PreupdState } from './state.js';

export interface RunningBe {
  readonly be: string;
  readonly dataset: string;
}

/**
 * The running BE: the BE root in the container mounted on the root path (`/`; PREUPD_ROOT in
 * tests). Read from zfs rather than `beadm list` so beadm and the zfs backend agree.
 */
export async function findRunningBe(ctx: CycleContext): Promise<RunningBe> {
  const { beContainer } = ctx.config;
  const rows = await ctx.system.zfs.list({ roots: [beContainer], type: 'filesystem', depth: 1, properties: ['mountpoint', 'mounted'] });
  const row = rows.find((r) => r.name !== beContainer && r.properties.mounted === 'yes' && r.properties.mountpoint === ctx.rootPath);
  if (!row) throw new InputError(beContainer, undefined, `no boot environment in ${beContainer} is mounted on ${ctx.rootPath}`);
  return { be: row.name.slice(beContainer.length + 1), dataset: row.name };
}

/** The BE the pool boots next (beadm's `R`), if any. */
export async function nextBootBe(ctx: CycleContext): Promise<string | undefined> {
  return (await ctx.system.bootEnvironments.list()).find((b) => b.activeOnReboot)?.name;
}

/**
 * The pristine snapshot the running BE was made from: the state's record when the running BE
 * is the one it knows, a staged BE's pristine when that BE is now running (first boot),
 * else the dataset's origin when it is a known pristine. Otherwise exit 2 (issue 6 "Bad input").
 */
export async function runningBase(ctx: CycleContext, state: PreupdState, running: RunningBe): Promise<string> {
  if (state.running?.be === running.be) return state.running.baseGuid;
  const staged = state.staged.find((s) => s.be === running.be);
  if (staged) return staged.pristineGuid;
  const { value: origin } = await origins(ctx.system.zfs, running.dataset).next();
  if (origin) {
    const guid = await ctx.system.zfs.getProperty(origin, 'guid');
    if (guid && findPristine(state, guid)) return guid;
  }
  throw new InputError(running.dataset, undefined, 'the running root is not a clone of any known pristine snapshot (see `preupd status`; `preupd init --base-snapshot`)');
}

/**
 * Whether the running BE descends from `snapshot`: one of its own snapshots, or a snapshot on
 * its origin chain (its origin, the origin of that file system, ...) or older than one on the
 * same file system (`beadm create` clones a fresh snapshot of a BE whose `@install` is the
 * pristine one). Names are read now, so a snapshot that a promotion moved to another BE is
 * found under its new name.
 */
export async function descendsFrom(ctx: CycleContext, running: RunningBe, snapshot: string): Promise<boolean> {
  const { zfs } = ctx.system;
  if (snapshot.startsWith(`${running.dataset}@`)) return true;
  const filesystem = snapshot.slice(0, snapshot.indexOf('@'));
  const txg = async (name: string) => Number(await zfs.getProperty(name, 'createtxg'));
  for await (const origin of origins(zfs, running.dataset)) {
    if (origin.startsWith(`${filesystem}@`)) return origin === snapshot || (await txg(snapshot)) <= (await txg(origin));
  }
  return false;
}

/** The snapshots `dataset` was cloned from, nearest first: its origin, then that file system's origin... */
async function* origins(zfs: Zfs, dataset: string): AsyncGenerator<string, void> {
  let origin = await zfs.getProperty(dataset, 'origin');
  while (origin && origin !== '-') {
    yield origin;
    origin = await zfs.getProperty(origin.slice(0, origin.indexOf('@')), 'origin');
  }
}
