/**
 * The two aspects the planner compares (spec/reintegration.md "The four roots"): content
 * (type, hash, link target, device) and metadata (mode, uid, gid, ACL). mtime is never
 * compared: an mtime-only difference is no change for reintegration (R10 for directories).
 */
import type { ManifestEntry } from '../manifest/entry.js';
import { METADATA_FIELDS, type Metadata, type MetadataField } from './plan-types.js';

export function sameContent(x: ManifestEntry, y: ManifestEntry): boolean {
  return x.type === y.type && x.contents === y.contents && x.dest === y.dest && x.devnode === y.devnode;
}

/** Permission bits only: the type bits belong to content. */
export function metadataOf(e: ManifestEntry): Metadata {
  return { mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, acl: e.acl };
}

export function changedFields(x: ManifestEntry, y: ManifestEntry): MetadataField[] {
  const [mx, my] = [metadataOf(x), metadataOf(y)];
  return METADATA_FIELDS.filter((f) => mx[f] !== my[f]);
}

/** Same entry for reintegration: both absent, or same content and metadata, ignoring mtime. */
export function sameIgnoringMtime(x: ManifestEntry | undefined, y: ManifestEntry | undefined): boolean {
  if (!x || !y) return x === y;
  return sameContent(x, y) && changedFields(x, y).length === 0;
}

/**
 * R4: each field from the side that changed it; a field both changed differently takes the
 * admin's value and is listed in `conflicts`. Without a base (R8) every differing field is both-changed.
 */
export function mergeMetadata(
  base: ManifestEntry | undefined, admin: ManifestEntry, update: ManifestEntry,
): { meta: Metadata; conflicts: MetadataField[] } {
  const [b, a, u] = [base && metadataOf(base), metadataOf(admin), metadataOf(update)];
  const conflicts: MetadataField[] = [];
  const pick = <F extends MetadataField>(f: F): Metadata[F] => {
    if (a[f] === u[f] || (b && b[f] === u[f])) return a[f];
    if (b && b[f] === a[f]) return u[f];
    conflicts.push(f);
    return a[f];
  };
  return { meta: { mode: pick('mode'), uid: pick('uid'), gid: pick('gid'), acl: pick('acl') }, conflicts };
}
