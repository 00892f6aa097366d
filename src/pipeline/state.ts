/**
 * preupd's state (issue 6 item 2): the chain of pristine snapshots, the running BE's base,
 * staged BEs with their plans and reports. Pure values and transitions; reading, writing
 * and locking live in state-file.ts and state-lock.ts.
 *
 * Snapshots are identified by guid: `beadm activate` promotes the new BE, and promotion moves
 * the origin snapshot and all older ones to the promoted dataset under new names
 * (spec/illumos.md §6). Names here are the last known ones, refreshed with renameSnapshots.
 */

export const STATE_VERSION = 1;

export interface SnapshotRef {
  /** Decimal string: guids exceed 2^53. */
  readonly guid: string;
  readonly name: string;
}

export interface PristineSnapshot extends SnapshotRef {
  /** The n of `preupd-pristine-000n`; increases along the chain. */
  readonly sequence: number;
  /** The pristine snapshot this one was updated from; absent for the one `init` adopted. */
  readonly parentGuid?: string;
  readonly createdAt: string;
}

/**
 * staging: recorded, its activation and the replacement of older BEs not done yet (stage.ts);
 * staged: ready, not booted; finishing: booted, second pass pending.
 */
export type StagedStatus = 'staging' | 'staged' | 'finishing' | 'finished';

export interface StagedBe {
  /** UTC stamp, also in the stage snapshot name and the saved area (spec/reintegration.md). */
  readonly stageId: string;
  readonly be: string;
  readonly dataset: string;
  /** The new pristine (update) snapshot the BE was cloned from. */
  readonly pristineGuid: string;
  /** The running BE's base when staging: base of the first pass. */
  readonly baseGuid: string;
  /** `<running be>@preupd-stage-<stageId>`: admin of the first pass, base of the second. */
  readonly adminSnapshot: SnapshotRef;
  readonly status: StagedStatus;
  readonly activated: boolean;
  /** Plan and report files, relative to the state mount point. */
  readonly plan?: string;
  readonly report?: string;
  /** The second pass's report (boot-finish); `conflicts` counts both passes'. */
  readonly finishReport?: string;
  readonly conflicts: number;
  readonly createdAt: string;
}

export interface PreupdState {
  readonly version: typeof STATE_VERSION;
  /** Oldest first; each entry's parent (if any) precedes it. */
  readonly pristine: readonly PristineSnapshot[];
  /** The BE preupd last saw running, and the pristine snapshot it was cloned from. */
  readonly running?: { readonly be: string; readonly baseGuid: string };
  readonly staged: readonly StagedBe[];
}

export function emptyState(): PreupdState {
  return { version: STATE_VERSION, pristine: [], staged: [] };
}

/** `init`: the running BE and the snapshot it was cloned from start the chain. */
export function adoptRunning(state: PreupdState, be: string, base: SnapshotRef, createdAt: string): PreupdState {
  const known = findPristine(state, base.guid);
  const pristine = known ? state.pristine : [...state.pristine, { ...base, sequence: nextSequence(state), createdAt }];
  return { ...state, pristine, running: { be, baseGuid: base.guid } };
}

/** A new pristine snapshot updated from `parentGuid`, appended to the chain. */
export function addPristine(state: PreupdState, snapshot: SnapshotRef, parentGuid: string, createdAt: string): PreupdState {
  if (findPristine(state, snapshot.guid)) throw new Error(`pristine snapshot ${snapshot.name} (guid ${snapshot.guid}) is already known`);
  if (!findPristine(state, parentGuid)) throw new Error(`parent pristine snapshot guid ${parentGuid} is not known`);
  return { ...state, pristine: [...state.pristine, { ...snapshot, sequence: nextSequence(state), parentGuid, createdAt }] };
}

/** The next `preupd-pristine-NNNN` snapshot component. */
export function nextPristineName(state: PreupdState): string {
  return `preupd-pristine-${String(nextSequence(state)).padStart(4, '0')}`;
}

export function findPristine(state: PreupdState, guid: string): PristineSnapshot | undefined {
  return state.pristine.find((snapshot) => snapshot.guid === guid);
}

export function latestPristine(state: PreupdState): PristineSnapshot | undefined {
  return state.pristine.at(-1);
}

/** Refresh last known names from a guid -> name listing (after a promote moved snapshots). */
export function renameSnapshots(state: PreupdState, names: ReadonlyMap<string, string>): PreupdState {
  const rename = <T extends SnapshotRef>(ref: T): T => {
    const name = names.get(ref.guid);
    return name === undefined || name === ref.name ? ref : { ...ref, name };
  };
  return {
    ...state,
    pristine: state.pristine.map(rename),
    staged: state.staged.map((staged) => ({ ...staged, adminSnapshot: rename(staged.adminSnapshot) })),
  };
}

/** Drops a pristine snapshot (prune); its children keep their parentGuid as history. */
export function forgetPristine(state: PreupdState, guid: string): PreupdState {
  if (state.running?.baseGuid === guid) throw new Error(`pristine snapshot guid ${guid} is the running BE's base`);
  return { ...state, pristine: state.pristine.filter((snapshot) => snapshot.guid !== guid) };
}

/** Adds or replaces (same stageId) a staged BE. */
export function putStaged(state: PreupdState, staged: StagedBe): PreupdState {
  const others = state.staged.filter((entry) => entry.stageId !== staged.stageId);
  return { ...state, staged: [...others, staged] };
}

export function forgetStaged(state: PreupdState, stageId: string): PreupdState {
  return { ...state, staged: state.staged.filter((entry) => entry.stageId !== stageId) };
}

/** Staged BEs never booted: an update arriving later replaces them (issue 6, `stage`). */
export function unbootedStaged(state: PreupdState): StagedBe[] {
  return state.staged.filter((entry) => entry.status === 'staging' || entry.status === 'staged');
}

/** First boot of `be`: it is now running, on the pristine snapshot it was staged from. */
export function markBooted(state: PreupdState, be: string): PreupdState {
  const staged = unbootedStaged(state).find((entry) => entry.be === be);
  if (!staged) throw new Error(`boot environment ${be} is not a staged BE`);
  return {
    ...putStaged(state, { ...staged, status: 'finishing' }),
    running: { be, baseGuid: staged.pristineGuid },
  };
}

function nextSequence(state: PreupdState): number {
  return Math.max(0, ...state.pristine.map((snapshot) => snapshot.sequence)) + 1;
}
