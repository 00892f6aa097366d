import type { Zfs } from '../system/zfs.js';
import { renameSnapshots, type PreupdState } from './state.js';

export interface SnapshotSync {
  readonly state: PreupdState;
  /** Pristine snapshots the state knows but zfs no longer has (destroyed outside preupd). */
  readonly missing: readonly string[];
}

/**
 * Re-reads every snapshot under the BE container and refreshes the names the state holds,
 * matching by guid: after `beadm activate` promoted a BE, the pristine chain lives on under
 * other dataset names (spec/illumos.md §6). Reads only, so it runs under --dry-run too.
 */
export async function syncSnapshotNames(state: PreupdState, zfs: Zfs, beContainer: string): Promise<SnapshotSync> {
  const rows = await zfs.list({ roots: [beContainer], type: 'snapshot', depth: 'all', properties: ['guid'] });
  const names = new Map(rows.map((row) => [row.properties.guid!, row.name] as const));
  const missing = state.pristine.filter((snapshot) => !names.has(snapshot.guid)).map((snapshot) => snapshot.name);
  return { state: renameSnapshots(state, names), missing };
}
