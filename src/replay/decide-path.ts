/**
 * The rules of spec/reintegration.md for one path, first match wins. Values in, a step out:
 * the only effect is reading file contents for R5 merges, through the injected sources.
 */
import type { ManifestEntry } from '../manifest/entry.js';
import { metadataOf, mergeMetadata, sameContent, sameIgnoringMtime } from './aspects.js';
import { resolveContentConflict, type ConflictContext } from './content-conflict.js';
import type { JoinedEntry } from './join.js';
import type { PlanStep } from './plan-types.js';
import { dotNew, lostAndFound, putOp, sameMetadata, saveCopy, step, typeName } from './steps.js';

/** The step for one path, or undefined when the target keeps update's entry (R1, R10). */
export async function decidePath(joined: JoinedEntry, ctx: ConflictContext): Promise<PlanStep | undefined> {
  const { path, base, admin, update } = joined;
  if (sameIgnoringMtime(base, admin)) return undefined;
  if (sameIgnoringMtime(base, update)) return carryAdminChange(path, base, admin);
  if (!base) return bothAdded(path, admin!, update!, ctx);
  if (sameIgnoringMtime(admin, update)) return step(path, 'R3', 'same', 'nothing', 'admin and update made the same change');
  if (!admin) return adminDeletedUpdateChanged(path, update!, ctx);
  if (!update) return updateDeletedAdminChanged(path, base, admin, ctx);
  return bothChanged(path, base, admin, update, ctx);
}

/** R2: update left the path alone. */
function carryAdminChange(path: string, base: ManifestEntry | undefined, admin: ManifestEntry | undefined): PlanStep {
  if (!admin) {
    return step(path, 'R2', 'carried', `delete ${typeName(base!)}`, 'admin deleted it', { ops: [{ op: 'remove', path, type: base!.type }] });
  }
  if (!base) return step(path, 'R2', 'carried', `add admin's ${typeName(admin)}`, 'admin added it', { ops: [putOp('admin', admin)] });
  if (!sameContent(base, admin)) {
    return step(path, 'R2', 'carried', `copy admin's ${typeName(admin)}`, 'admin changed the content', { ops: [putOp('admin', admin)] });
  }
  return step(path, 'R2', 'carried', 'set admin\'s metadata', 'admin changed the metadata only', {
    ops: [{ op: 'meta', path, meta: metadataOf(admin) }],
  });
}

/** R8: absent in base, added by both, differently. */
function bothAdded(path: string, admin: ManifestEntry, update: ManifestEntry, ctx: ConflictContext): PlanStep {
  if (sameIgnoringMtime(admin, update)) return step(path, 'R8', 'same', 'nothing', 'both added it identically');
  if (admin.type === 'D' && update.type === 'D') {
    const { meta, conflicts } = mergeMetadata(undefined, admin, update);
    return step(path, 'R8', 'conflict', "set admin's metadata", 'both added the directory, with different metadata', {
      resolution: "admin's metadata; children path by path", fields: conflicts, ops: [{ op: 'meta', path, meta }],
    });
  }
  if (ctx.preserveOf(path) !== undefined) {
    const copy = saveCopy('update', update, dotNew(path));
    return step(path, 'R8', 'conflict', "copy admin's version", 'both added it; editable (preserve set)', {
      resolution: "admin's content; update's as .new", saved: copy.saved, ops: [putOp('admin', admin), ...copy.ops],
    });
  }
  const copy = saveCopy('admin', admin, lostAndFound(path, ctx.names));
  return step(path, 'R8', 'conflict', "keep update's version", 'both added it; not editable', {
    resolution: "update's content; admin's salvaged to lost+found", saved: copy.saved, ops: copy.ops,
  });
}

/** R6: admin deleted it, update changed it. */
function adminDeletedUpdateChanged(path: string, update: ManifestEntry, ctx: ConflictContext): PlanStep {
  if (update.type === 'F' && ctx.preserveOf(path) !== undefined) {
    const copy = saveCopy('update', update, dotNew(path));
    return step(path, 'R6', 'conflict', 'keep deleted', 'admin deleted an editable file that update changed', {
      resolution: "stays deleted; update's version as .new", saved: copy.saved,
      ops: [{ op: 'remove', path, type: update.type }, ...copy.ops],
    });
  }
  return step(path, 'R6', 'conflict', "keep update's version", 'admin deleted it, update changed it', {
    resolution: "comes back with update's version",
  });
}

/** R7: update deleted it, admin changed it. */
function updateDeletedAdminChanged(path: string, base: ManifestEntry, admin: ManifestEntry, ctx: ConflictContext): PlanStep {
  if (sameContent(base, admin)) {
    return step(path, 'R7', 'conflict', 'keep deleted', "update deleted it; admin's metadata change is dropped", {
      resolution: 'stays deleted',
    });
  }
  const copy = saveCopy('admin', admin, lostAndFound(path, ctx.names));
  return step(path, 'R7', 'conflict', 'keep deleted', 'update deleted it, admin changed its content', {
    resolution: "stays deleted; admin's version salvaged to lost+found", saved: copy.saved, ops: copy.ops,
  });
}

/** R4 (different aspects or fields), or R5 when both changed the content differently. */
function bothChanged(path: string, base: ManifestEntry, admin: ManifestEntry, update: ManifestEntry, ctx: ConflictContext): Promise<PlanStep> | PlanStep {
  const adminContent = !sameContent(base, admin);
  if (adminContent && !sameContent(base, update) && !sameContent(admin, update)) {
    return resolveContentConflict(path, base, admin, update, ctx);
  }
  const { meta, conflicts } = mergeMetadata(base, admin, update);
  const outcome = conflicts.length > 0 ? 'conflict' : 'merged';
  const details = conflicts.length > 0 ? { fields: conflicts, resolution: "admin's value for each field both changed" } : {};
  if (adminContent && !sameContent(admin, update)) {
    return step(path, 'R4', outcome, "copy admin's content", 'admin changed the content, update the metadata', {
      ...details, ops: [putOp('admin', admin, meta)],
    });
  }
  const ops = sameMetadata(meta, metadataOf(update)) ? [] : [{ op: 'meta' as const, path, meta }];
  return step(path, 'R4', outcome, 'merge metadata', 'both changed the metadata, or update the content', { ...details, ops });
}
