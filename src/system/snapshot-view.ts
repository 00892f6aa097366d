import { mkdtemp, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Zfs } from './zfs.js';

let viewCounter = 0;

/**
 * Runs `fn` with a directory showing `snapshot` (`fs@name`) read-only (spec/cli.md,
 * spec/illumos.md §8): its snapshot directory when reachable, otherwise a temporary clone
 * with readonly=on mounted on a fresh temp dir, destroyed (and the dir removed) when `fn`
 * settles, whether it threw or not. A dry run changes nothing, not even for a moment: there
 * an unreachable snapshot is an error.
 */
export async function withSnapshotView<T>(zfs: Zfs, snapshot: string, fn: (root: string) => Promise<T>): Promise<T> {
  const dir = await snapshotDirectory(zfs, snapshot);
  if (dir !== undefined) return fn(dir);
  if (zfs.dryRun) throw new InputError(snapshot, undefined, 'not reachable through .zfs/snapshot, and a dry run makes no temporary clone to read it');
  return withTemporaryClone(zfs, snapshot, fn);
}

/** `<mountpoint>/.zfs/snapshot/<name>` while `fs` is mounted and that directory is reachable. */
export async function snapshotDirectory(zfs: Zfs, snapshot: string): Promise<string | undefined> {
  const at = snapshot.indexOf('@');
  if (at <= 0) throw new Error(`not a snapshot name: ${snapshot}`);
  const dataset = snapshot.slice(0, at);
  const props = (await zfs.get([dataset], ['mountpoint', 'mounted'])).get(dataset);
  const mountpoint = props?.get('mountpoint')?.value ?? '-';
  if (props?.get('mounted')?.value !== 'yes' || !mountpoint.startsWith('/')) return undefined;
  const dir = join(mountpoint, '.zfs', 'snapshot', snapshot.slice(at + 1));
  return (await isDirectory(dir)) ? dir : undefined;
}

async function withTemporaryClone<T>(zfs: Zfs, snapshot: string, fn: (root: string) => Promise<T>): Promise<T> {
  const pool = snapshot.slice(0, snapshot.search(/[/@]/));
  const clone = `${pool}/preupd-view-${process.pid}-${++viewCounter}`;
  const root = await mkdtemp(join(tmpdir(), 'preupd-view-'));
  let result: T;
  try {
    await zfs.clone(snapshot, clone, { readonly: 'on', canmount: 'on', mountpoint: root });
    // illumos mounts a new clone with canmount=on; mount explicitly where a build did not.
    if ((await zfs.getProperty(clone, 'mounted')) !== 'yes') await zfs.mount(clone);
    result = await fn(root);
  } catch (err) {
    await removeClone(zfs, clone, root).catch(() => {});
    throw err;
  }
  await removeClone(zfs, clone, root);
  return result;
}

async function removeClone(zfs: Zfs, clone: string, root: string): Promise<void> {
  try {
    if (await zfs.exists(clone)) await zfs.destroy(clone, { force: true });
  } finally {
    await rmdir(root).catch(() => {});
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
