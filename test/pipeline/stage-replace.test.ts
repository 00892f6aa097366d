/**
 * Replacing an unbooted BE when its destroy fails (it is mounted, busy): the promotion made
 * for it is undone, so the pool is as before and the next stage can try again.
 */
import { describe, expect, it } from 'vitest';
import { BeadmBootEnvironments } from '../../src/system/beadm.js';
import { Zfs } from '../../src/system/zfs.js';
import type { CycleContext } from '../../src/pipeline/context.js';
import { settleStage } from '../../src/pipeline/stage-replace.js';
import type { StagedBe } from '../../src/pipeline/state.js';
import { FakeRunner } from '../fixtures/fake-runner.js';

const OLD: StagedBe = {
  stageId: '20260101T000000Z', be: 'preupd-0002', dataset: 'rpool/ROOT/preupd-0002', pristineGuid: '2', baseGuid: '1',
  adminSnapshot: { guid: '3', name: 'rpool/ROOT/be0@preupd-stage-20260101T000000Z' },
  status: 'staged', activated: false, conflicts: 0, createdAt: '2026-01-01T00:00:00.000Z',
};

describe('settleStage', () => {
  it('undoes the promotion when the old BE cannot be destroyed, and fails', async () => {
    const runner = new FakeRunner((argv) => {
      const line = argv.join(' ');
      if (line === 'beadm') return { status: 1, stderr: 'usage:\n\tbeadm destroy [-Ffsv] beName\n' };
      if (line.startsWith('beadm destroy')) return { status: 1, stderr: 'beadm: Unable to destroy preupd-0002. It is currently mounted' };
      if (line.startsWith('zfs list -H -p -o name -r -t filesystem')) return { stdout: 'rpool/ROOT/preupd-0002\nrpool/ROOT/preupd-0002/var\n' };
      return undefined;
    });
    const system = { runner, zfs: new Zfs(runner), bootEnvironments: new BeadmBootEnvironments(runner) };
    const ctx = { system, say: () => {} } as unknown as CycleContext;
    const newest = { be: 'preupd-0003', dataset: 'rpool/ROOT/preupd-0003', origin: 'rpool/ROOT/preupd-0002@preupd-pristine-0002', activate: false };
    await expect(settleStage(ctx, newest, [OLD])).rejects.toThrow(/currently mounted/);
    expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' '))).toEqual([
      'zfs promote rpool/ROOT/preupd-0003',
      'zfs promote rpool/ROOT/preupd-0003/var',
      'beadm destroy -Fs preupd-0002',
      'zfs promote rpool/ROOT/preupd-0002',
      'zfs promote rpool/ROOT/preupd-0002/var',
    ]);
  });
});
