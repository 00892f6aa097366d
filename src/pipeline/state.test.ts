import { describe, expect, it } from 'vitest';
import {
  addPristine,
  adoptRunning,
  emptyState,
  forgetPristine,
  forgetStaged,
  latestPristine,
  markBooted,
  nextPristineName,
  putStaged,
  renameSnapshots,
  unbootedStaged,
  type StagedBe,
} from './state.js';

const T = '2026-12-04T01:00:00Z';
const base = { guid: '16219008151248825369', name: 'rpool/ROOT/osol@install' };
const update1 = { guid: '9000000000000000001', name: 'rpool/ROOT/osol@preupd-pristine-0002' };

function staged(overrides: Partial<StagedBe> = {}): StagedBe {
  return {
    stageId: '20261204T010000Z',
    be: 'preupd-0002',
    dataset: 'rpool/ROOT/preupd-0002',
    pristineGuid: update1.guid,
    baseGuid: base.guid,
    adminSnapshot: { guid: '77', name: 'rpool/ROOT/osol@preupd-stage-20261204T010000Z' },
    status: 'staged',
    activated: false,
    conflicts: 0,
    createdAt: T,
    ...overrides,
  };
}

describe('state: a first update cycle', () => {
  it('adopts the running BE, chains the update snapshot to its base, and follows the first boot', () => {
    let state = adoptRunning(emptyState(), 'osol', base, T);
    expect(state.running).toEqual({ be: 'osol', baseGuid: base.guid });
    expect(nextPristineName(state)).toBe('preupd-pristine-0002');

    state = addPristine(state, update1, base.guid, T);
    expect(latestPristine(state)).toMatchObject({ ...update1, sequence: 2, parentGuid: base.guid });
    state = putStaged(state, staged());
    expect(unbootedStaged(state).map((entry) => entry.be)).toEqual(['preupd-0002']);

    state = markBooted(state, 'preupd-0002');
    expect(state.running).toEqual({ be: 'preupd-0002', baseGuid: update1.guid });
    expect(unbootedStaged(state)).toEqual([]);
    expect(state.staged[0]?.status).toBe('finishing');
  });

  it('follows snapshots by guid when a promote renames them', () => {
    let state = addPristine(adoptRunning(emptyState(), 'osol', base, T), update1, base.guid, T);
    state = putStaged(state, staged());
    // beadm activate preupd-0002 promotes it: older snapshots move to the promoted dataset.
    const after = new Map([
      [base.guid, 'rpool/ROOT/preupd-0002@install'],
      ['77', 'rpool/ROOT/preupd-0002@preupd-stage-20261204T010000Z'],
    ]);
    state = renameSnapshots(state, after);
    expect(state.pristine.map((p) => p.name)).toEqual(['rpool/ROOT/preupd-0002@install', update1.name]);
    expect(state.staged[0]?.adminSnapshot.name).toBe('rpool/ROOT/preupd-0002@preupd-stage-20261204T010000Z');
  });

  it('refuses what would break the chain', () => {
    const state = adoptRunning(emptyState(), 'osol', base, T);
    expect(() => addPristine(state, base, base.guid, T)).toThrow(/already known/);
    expect(() => addPristine(state, update1, '123', T)).toThrow(/parent pristine snapshot guid 123 is not known/);
    expect(() => forgetPristine(state, base.guid)).toThrow(/running BE's base/);
    expect(() => markBooted(state, 'nope')).toThrow(/not a staged BE/);
  });

  it('replaces a staged BE with the same stage id, and re-adopting keeps the chain', () => {
    let state = putStaged(emptyState(), staged());
    state = putStaged(state, staged({ conflicts: 3 }));
    expect(state.staged).toHaveLength(1);
    expect(state.staged[0]?.conflicts).toBe(3);
    expect(forgetStaged(state, '20261204T010000Z').staged).toEqual([]);
    expect(forgetStaged(state, 'other').staged).toHaveLength(1);
    const once = adoptRunning(emptyState(), 'osol', base, T);
    expect(adoptRunning(once, 'osol', base, T)).toEqual(once);
  });

  it('keeps sequences increasing after the oldest pristine is pruned', () => {
    let state = addPristine(adoptRunning(emptyState(), 'osol', base, T), update1, base.guid, T);
    state = markBooted(putStaged(state, staged()), 'preupd-0002');
    state = forgetPristine(state, base.guid);
    expect(state.pristine.map((p) => p.sequence)).toEqual([2]);
    expect(nextPristineName(state)).toBe('preupd-pristine-0003');
  });
});
