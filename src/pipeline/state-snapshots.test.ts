import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { Zfs } from '../system/zfs.js';
import { addPristine, adoptRunning, emptyState } from './state.js';
import { syncSnapshotNames } from './state-snapshots.js';

const T = '2026-12-04T01:00:00Z';

describe('syncSnapshotNames', () => {
  it('follows the pristine chain to its new dataset after a promote, and reports vanished snapshots', async () => {
    let state = adoptRunning(emptyState(), 'osol', { guid: '111', name: 'rpool/ROOT/osol@install' }, T);
    state = addPristine(state, { guid: '222', name: 'rpool/ROOT/osol@preupd-pristine-0002' }, '111', T);
    state = addPristine(state, { guid: '333', name: 'rpool/ROOT/osol@preupd-pristine-0003' }, '222', T);
    // After `beadm activate preupd-0003`: older snapshots moved to the promoted BE; 0002 was destroyed by hand.
    const runner = new FakeRunner(() => ({
      stdout: 'rpool/ROOT/preupd-0003@install\t111\nrpool/ROOT/preupd-0003@preupd-pristine-0003\t333\nrpool/ROOT/preupd-0003@other\t444\n',
    }));
    const { state: synced, missing } = await syncSnapshotNames(state, new Zfs(runner), 'rpool/ROOT');
    expect(runner.lines()).toEqual(['zfs list -H -p -o name,guid -r -t snapshot rpool/ROOT']);
    expect(synced.pristine.map((p) => p.name)).toEqual([
      'rpool/ROOT/preupd-0003@install',
      'rpool/ROOT/osol@preupd-pristine-0002',
      'rpool/ROOT/preupd-0003@preupd-pristine-0003',
    ]);
    expect(missing).toEqual(['rpool/ROOT/osol@preupd-pristine-0002']);
  });
});
