/**
 * The plan as a value (spec/style.md, "plan as a value"): what `preupd plan` prints, what
 * `--json` and `-o plan.json` hold, and the only thing the executor carries out. Paths are
 * byte strings (src/manifest/entry.ts) with a leading `/`, relative to each root.
 */
import type { AccountDbKind } from '../ips/index.js';
import type { EntryType } from '../manifest/entry.js';

export type RootName = 'base' | 'admin' | 'update';
export type RuleId = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8' | 'R9' | 'R10';

/** How R5 merges a file: account databases by record (R5.1), driver majors by name, text by line (R5.2). */
export type MergeMethod =
  | { readonly method: 'keyed'; readonly kind: AccountDbKind }
  | { readonly method: 'majors' }
  | { readonly method: 'text' };

/** The metadata aspect of an entry (spec/reintegration.md "The four roots"). */
export interface Metadata {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly acl: string;
}
export const METADATA_FIELDS = ['mode', 'uid', 'gid', 'acl'] as const;
export type MetadataField = (typeof METADATA_FIELDS)[number];

/**
 * One idempotent change to the target. Every byte written comes from a read-only root
 * (admin or update), never from the target itself, so replaying an op after a crash is safe.
 */
export type Op =
  /**
   * Writes `from`'s entry at `source` to `path` (content, the given metadata, mtime); missing
   * parents are created with the metadata of `from`'s parents (R2).
   */
  | {
      readonly op: 'put';
      readonly path: string;
      readonly from: RootName;
      readonly source: string;
      readonly type: EntryType;
      readonly meta: Metadata;
      readonly mtime: number;
    }
  /** Writes the three-way merge of base, admin and update at `path` (R5.1, R5.2). */
  | {
      readonly op: 'merge';
      readonly path: string;
      readonly merge: MergeMethod;
      readonly meta: Metadata;
      readonly mtime: number;
    }
  /** Sets metadata on what is at `path`; content untouched (R2 metadata-only, R4). */
  | { readonly op: 'meta'; readonly path: string; readonly meta: Metadata }
  /** Removes `path` (a directory only when empty: what update added inside stays, R2). */
  | { readonly op: 'remove'; readonly path: string; readonly type: EntryType }
  /** Makes `path` a hard link of `to`, which an earlier op wrote (R9). */
  | { readonly op: 'link'; readonly path: string; readonly to: string };

/** Where a version that does not stay at its path goes (`.old`, `.new`, saved area, lost+found). */
export interface SavedCopy {
  readonly version: 'admin' | 'update';
  readonly to: string;
}

export type Outcome =
  | 'carried' // R2: the admin's change is applied
  | 'same' // R3, R8 identical: nothing to do
  | 'merged' // R4, R5.1/R5.2 without conflict
  | 'conflict'; // resolved by policy, reported; makes reintegrate exit 1

export interface PlanStep {
  readonly path: string;
  readonly rule: RuleId;
  readonly outcome: Outcome;
  /** Short action text: `copy admin's file`, `merge text`, `keep update's`... */
  readonly action: string;
  readonly reason: string;
  /** For conflicts: what the target gets, in words. */
  readonly resolution?: string;
  readonly saved: readonly SavedCopy[];
  /** Fields both sides set differently (R4), or keyed records/fields (R5.1): never values. */
  readonly fields?: readonly string[];
  readonly ops: readonly Op[];
}

export interface PlanInputs {
  readonly base: string;
  readonly admin: string;
  readonly update: string;
  /** sha256 of each root's entry lines: a plan is refused when they changed. */
  readonly fingerprint: { readonly base: string; readonly admin: string; readonly update: string };
}

export interface Plan {
  readonly version: 1;
  /** Derived from the input fingerprints: names the journal. */
  readonly id: string;
  /** UTC `YYYYMMDDTHHMMSSZ` of planning: the saved area's stage id and the lost+found suffix (R7). */
  readonly stamp: string;
  readonly inputs: PlanInputs;
  /** Paths where nothing is to be done (R1, R10), counted rather than listed. */
  readonly unchanged: number;
  readonly excluded: number;
  readonly steps: readonly PlanStep[];
  /** A path listed in boot/solaris/filelist.ramdisk is written: `bootadm update-archive` is due. */
  readonly bootArchive: boolean;
}

/** preupd's own state directory in the target (never reintegrated). */
export const STATE_DIR = '/var/preupd';
