/**
 * R5 (spec/reintegration.md): both sides changed the content, differently. Keyed databases
 * and text files are merged (R5.1, R5.2); otherwise update's `preserve` value decides (R5.3).
 * Metadata is merged field by field in every case (R4: content and metadata are separate).
 */
import type { ManifestEntry } from '../manifest/entry.js';
import { mergeMetadata, metadataOf } from './aspects.js';
import { type ContentMerge, mergeContents, mergeMethodFor } from './content-merge.js';
import type { Metadata, PlanStep, RootName } from './plan-types.js';
import { dotNew, dotOld, NO_COPY, putOp, sameMetadata, savedArea, saveCopy, step, type SaveNames } from './steps.js';

/** What the planner reads besides manifests: injected, so the planner itself touches no file system. */
export interface PlanSources {
  /** A regular file's bytes as a latin1 string; undefined when it cannot be read. */
  read(root: RootName, path: string): Promise<string | undefined>;
  /** A regular file's inode identity and link count (R9). */
  inode(root: RootName, path: string): Promise<{ readonly key: string; readonly nlink: number } | undefined>;
}

export interface ConflictContext {
  /** update's `preserve` for a path (base's when update's index lacks it), undefined when not set. */
  preserveOf(path: string): string | undefined;
  readonly names: SaveNames;
  readonly sources: PlanSources;
}

export async function resolveContentConflict(
  path: string, base: ManifestEntry, admin: ManifestEntry, update: ManifestEntry, ctx: ConflictContext,
): Promise<PlanStep> {
  const { meta, conflicts: metaConflicts } = mergeMetadata(base, admin, update);
  if (base.type === 'F' && admin.type === 'F' && update.type === 'F') {
    const method = mergeMethodFor(path);
    const [b, a, u] = await Promise.all((['base', 'admin', 'update'] as const).map((root) => ctx.sources.read(root, path)));
    const merged = b !== undefined && a !== undefined && u !== undefined ? mergeContents(method, b, a, u) : undefined;
    if (merged) {
      const { fields, resolution, copy } = mergeConflicts(path, merged, metaConflicts, admin, ctx.names);
      return step(path, 'R5', fields.length > 0 ? 'conflict' : 'merged', `merge ${method.method === 'text' ? 'lines' : 'records'}`,
        'both changed the content; merged', {
          ...(fields.length > 0 ? { fields, resolution } : {}),
          saved: copy.saved,
          ops: [{ op: 'merge', path, merge: method, meta, mtime: Math.max(admin.mtime, update.mtime) }, ...copy.ops],
        });
    }
  }
  return byPreserve(path, admin, update, meta, ctx);
}

/**
 * What a clean merge resolved by policy. Account fields and metadata take the admin's value;
 * majors are the one merge where update's wins (name-to-major.ts), so the admin's whole file,
 * with the lines left out, is kept in the saved area (spec "Safety").
 */
function mergeConflicts(path: string, merged: ContentMerge, metaConflicts: readonly string[], admin: ManifestEntry, names: SaveNames) {
  const majors = merged.method.method === 'majors';
  const updateWon = majors ? merged.conflicts : [];
  const adminWon = majors ? metaConflicts : [...merged.conflicts, ...metaConflicts];
  const resolution = [
    ...(updateWon.length > 0 ? ["update's majors win: the admin's line of each driver listed is left out; admin's file in the saved area"] : []),
    ...(adminWon.length > 0 ? ["admin's value for each field both changed"] : []),
  ].join('; ');
  const copy = updateWon.length > 0 ? saveCopy('admin', admin, savedArea(path, names)) : NO_COPY;
  return { fields: [...merged.conflicts, ...metaConflicts], resolution, copy };
}

/** R5.3: the table of spec/reintegration.md, keyed by update's `preserve` value. */
function byPreserve(path: string, admin: ManifestEntry, update: ManifestEntry, meta: Metadata, ctx: ConflictContext): PlanStep {
  const preserve = ctx.preserveOf(path);
  const reason = `both changed the content; preserve=${preserve ?? 'unset'}`;
  const keepUpdate = (to: string, resolution: string): PlanStep => {
    const copy = saveCopy('admin', admin, to);
    const metaOps = sameMetadata(meta, metadataOf(update)) ? [] : [{ op: 'meta' as const, path, meta }];
    return step(path, 'R5', 'conflict', "keep update's content", reason, { resolution, saved: copy.saved, ops: [...copy.ops, ...metaOps] });
  };
  const keepAdmin = (resolution: string, withNew: boolean): PlanStep => {
    const copy = withNew ? saveCopy('update', update, dotNew(path)) : NO_COPY;
    return step(path, 'R5', 'conflict', "copy admin's content", reason, { resolution, saved: copy.saved, ops: [putOp('admin', admin, meta), ...copy.ops] });
  };
  switch (preserve) {
    case undefined:
      return keepUpdate(savedArea(path, ctx.names), "update's content; admin's in the saved area");
    case 'renameold':
      return keepUpdate(dotOld(path), "update's content; admin's as .old");
    case 'abandon':
    case 'install-only':
      return keepAdmin("admin's content", false);
    default:
      // renamenew, true, legacy and unknown values; pkg would drop update's silently for `true`.
      return keepAdmin("admin's content; update's as .new", true);
  }
}
