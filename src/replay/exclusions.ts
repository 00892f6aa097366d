/**
 * What is never reintegrated (spec/reintegration.md): volatile file systems, the package
 * database of update (authoritative), preupd's own state, and runtime objects. The rules
 * file's exclusions act earlier, in the walk itself (treeEntries).
 */
import type { EntryType } from '../manifest/entry.js';
import { STATE_DIR } from './plan-types.js';

export const NEVER_REINTEGRATED: readonly string[] = [
  '/tmp', '/var/run', '/etc/svc/volatile', '/proc', '/dev', '/devices', '/system', '/etc/mnttab',
  '/var/pkg', STATE_DIR,
];

/** Sockets and doors: runtime objects that a copy cannot recreate meaningfully. */
const RUNTIME_TYPES: ReadonlySet<EntryType> = new Set(['S', 'O']);

/**
 * `also`: what one pass leaves out besides (the SMF repository, in use; preupd's first-boot
 * services): paths with what is below them, or, ending in `*`, every name that begins so.
 */
export function isExcluded(path: string, types: readonly (EntryType | undefined)[], also: readonly string[] = []): boolean {
  if (types.some((t) => t !== undefined && RUNTIME_TYPES.has(t))) return true;
  const under = (root: string) => path === root || path.startsWith(root + '/');
  const matches = (entry: string) => (entry.endsWith('*') ? path.startsWith(entry.slice(0, -1)) : under(entry));
  return NEVER_REINTEGRATED.some(under) || also.some(matches);
}
