/** Small builders for plan steps and ops, shared by the per-path decisions. */
import type { ManifestEntry } from '../manifest/entry.js';
import { metadataOf } from './aspects.js';
import { STATE_DIR, type Metadata, type Op, type Outcome, type PlanStep, type RootName, type RuleId, type SavedCopy } from './plan-types.js';

/** Where a step's other versions go: fixed per plan, so a plan replays to the same names. */
export interface SaveNames {
  /** UTC `YYYYMMDDTHHMMSSZ` of planning: the stage id of the saved area and the lost+found suffix. */
  readonly stamp: string;
}

export const dotNew = (path: string): string => `${path}.new`;
export const dotOld = (path: string): string => `${path}.old`;
/** pkg's salvage convention: `var/pkg/lost+found/<path>-<YYYYMMDDTHHMMSSZ>` (R7, illumos.md §2.2). */
export const lostAndFound = (path: string, names: SaveNames): string => `/var/pkg/lost+found${path}-${names.stamp}`;
/** `<state>/saved/<stage-id>/<path>` (R5.3). */
export const savedArea = (path: string, names: SaveNames): string => `${STATE_DIR}/saved/${names.stamp}${path}`;

export function putOp(from: RootName, entry: ManifestEntry, meta: Metadata = metadataOf(entry), path = entry.name): Op {
  return { op: 'put', path, from, source: entry.name, type: entry.type, meta, mtime: entry.mtime };
}

/**
 * Keeps a copy of one side's version at `to`. Only files and symlinks can be kept apart from
 * their path; a directory's children are handled path by path anyway.
 */
export function saveCopy(from: 'admin' | 'update', entry: ManifestEntry, to: string): KeptCopy {
  if (entry.type !== 'F' && entry.type !== 'L') return NO_COPY;
  return { ops: [putOp(from, entry, metadataOf(entry), to)], saved: [{ version: from, to }] };
}

export interface KeptCopy {
  readonly ops: readonly Op[];
  readonly saved: readonly SavedCopy[];
}
export const NO_COPY: KeptCopy = { ops: [], saved: [] };

export interface StepDetails {
  readonly resolution?: string;
  readonly saved?: readonly SavedCopy[];
  readonly fields?: readonly string[];
  readonly ops?: readonly Op[];
}

export function step(path: string, rule: RuleId, outcome: Outcome, action: string, reason: string, details: StepDetails = {}): PlanStep {
  const { saved = [], ops = [], ...rest } = details;
  return { path, rule, outcome, action, reason, ...rest, saved, ops };
}

const TYPE_NAMES: Record<string, string> = { F: 'file', D: 'directory', L: 'symlink', P: 'FIFO', B: 'block device', C: 'character device' };
export const typeName = (e: ManifestEntry): string => TYPE_NAMES[e.type] ?? 'entry';

export function sameMetadata(x: Metadata, y: Metadata): boolean {
  return x.mode === y.mode && x.uid === y.uid && x.gid === y.gid && x.acl === y.acl;
}
