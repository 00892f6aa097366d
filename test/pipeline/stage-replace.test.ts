/**
 * Replacing the older unbooted BEs at the end of a stage (settleStage), as commands: the
 * promotions undone when the old BE cannot be destroyed (mounted, busy); a stage killed
 * between promotions or after the old BE's destroy, finished by the next stage.
 */
import { describe, expect, it } from 'vitest';
import { BeadmBootEnvironments } from '../../src/system/beadm.js';
import { Zfs } from '../../src/system/zfs.js';
import type { CycleContext } from '../../src/pipeline/context.js';
import { settleStage } from '../../src/pipeline/stage-replace.js';
import type { StagedBe } from '../../src/pipeline/state.js';
import { FakeRunner, type FakeResponder } from '../fixtures/fake-runner.js';

const OLD: StagedBe = {
  stageId: '20260101T000000Z', be: 'preupd-0002', dataset: 'rpool/ROOT/preupd-0002', pristineGuid: '2', baseGuid: '1',
  adminSnapshot: { guid: '3', name: 'rpool/ROOT/be0@preupd-stage-20260101T000000Z' },
  status: 'staged', activated: false, conflicts: 0, createdAt: '2026-01-01T00:00:00.000Z',
};
const NEWEST = { be: 'preupd-0003', dataset: 'rpool/ROOT/preupd-0003', origin: 'rpool/ROOT/preupd-0002@preupd-pristine-0002', activate: false };
const MISSING = { status: 1, stderr: "cannot open 'x': dataset does not exist" };

/** The mutating commands of settleStage(NEWEST, [OLD]); `respond` answers first, then beadm's usage. */
async function settle(respond: FakeResponder): Promise<{ mutations: string[]; result: Promise<void> }> {
  const runner = new FakeRunner((argv) => respond(argv) ?? (argv.join(' ') === 'beadm' ? { status: 1, stderr: 'usage:\n\tbeadm destroy [-Ffsv] beName\n' } : undefined));
  const zfs = new Zfs(runner);
  const system = { runner, zfs, bootEnvironments: new BeadmBootEnvironments(zfs, runner, { pool: 'rpool', container: 'rpool/ROOT' }) };
  const ctx = { system, say: () => {} } as unknown as CycleContext;
  const result = settleStage(ctx, NEWEST, [OLD]);
  await result.catch(() => {});
  return { mutations: runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' ')), result };
}

/** `zfs list` of the new BE's file systems with their origins. */
const origins = (rows: string) => (argv: readonly string[]) =>
  argv.join(' ') === 'zfs list -H -p -o name,origin -r -t filesystem rpool/ROOT/preupd-0003' ? { stdout: rows } : undefined;

describe('settleStage', () => {
  // Bug (found by review): the promotions were undone on a BE already destroyed, and that
  // failure ("dataset does not exist") replaced the real one.
  it('undoes nothing once the old BE is destroyed, and reports what failed after', async () => {
    let destroyed = false;
    const { mutations, result } = await settle((argv) => {
      const line = argv.join(' ');
      if (line.startsWith('beadm destroy')) {
        destroyed = true;
        return { stdout: '' };
      }
      if (line === 'zfs destroy rpool/preupd-keep-origin') return { status: 1, stderr: "cannot destroy 'rpool/preupd-keep-origin': dataset is busy\n" };
      if (line === `zfs list -H -o name ${OLD.dataset}` && destroyed) return MISSING;
      if (line === `zfs get -Hp -o name,property,value,source origin ${OLD.dataset}`) {
        return { stdout: `${OLD.dataset}\torigin\trpool/ROOT/preupd-0003@preupd-pristine-0002\t-\n` };
      }
      if (line === 'zfs list -H -o name rpool/preupd-keep-origin') return MISSING;
      return origins('rpool/ROOT/preupd-0003\trpool/ROOT/preupd-0002@preupd-pristine-0002\n')(argv);
    });
    await expect(result).rejects.toThrow(/preupd-keep-origin.*dataset is busy/);
    expect(mutations.filter((m) => m.startsWith('zfs promote'))).toEqual(['zfs promote rpool/ROOT/preupd-0003']);
  });

  it('undoes the promotion when the old BE cannot be destroyed, and fails', async () => {
    const { mutations, result } = await settle((argv) => {
      const line = argv.join(' ');
      if (line.startsWith('beadm destroy')) return { status: 1, stderr: 'beadm: Unable to destroy preupd-0002. It is currently mounted' };
      // The promotion made the old root a clone of the snapshot the new BE came from.
      if (line === `zfs get -Hp -o name,property,value,source origin ${OLD.dataset}`) {
        return { stdout: `${OLD.dataset}\torigin\trpool/ROOT/preupd-0003@preupd-pristine-0002\t-\n` };
      }
      if (line === 'zfs list -H -o name rpool/preupd-keep-origin') return MISSING;
      return origins('rpool/ROOT/preupd-0003\trpool/ROOT/preupd-0002@preupd-pristine-0002\nrpool/ROOT/preupd-0003/var\trpool/ROOT/preupd-0002/var@preupd-pristine-0002\n')(argv);
    });
    await expect(result).rejects.toThrow(/currently mounted/);
    expect(mutations).toEqual([
      'zfs promote rpool/ROOT/preupd-0003',
      'zfs promote rpool/ROOT/preupd-0003/var',
      // beadm (libbe) would destroy the old root's origin, the pristine snapshot: it gets a clone meanwhile.
      'zfs clone -o canmount=off -o org.preupd:keep-origin=rpool/ROOT/preupd-0003@preupd-pristine-0002 rpool/ROOT/preupd-0003@preupd-pristine-0002 rpool/preupd-keep-origin',
      'beadm destroy -Fs preupd-0002',
      'zfs destroy rpool/preupd-keep-origin',
      'zfs promote rpool/ROOT/preupd-0002',
      'zfs promote rpool/ROOT/preupd-0002/var',
    ]);
  });

  it('after a kill between promotions, promotes the file systems still cloned from the old BE', async () => {
    // The root was promoted: the old root is its clone now; /var is still the old /var's clone.
    const { mutations } = await settle(origins('rpool/ROOT/preupd-0003\t-\nrpool/ROOT/preupd-0003/var\trpool/ROOT/preupd-0002/var@preupd-pristine-0002\n'));
    expect(mutations).toEqual([
      'zfs promote rpool/ROOT/preupd-0003/var',
      'beadm destroy -Fs preupd-0002',
      `zfs destroy -r ${OLD.adminSnapshot.name}`,
    ]);
  });

  it('after a kill that followed the old BE destroy, destroys its stage snapshot', async () => {
    const { mutations } = await settle((argv) => (argv.join(' ') === `zfs list -H -o name ${OLD.dataset}` ? MISSING : undefined));
    expect(mutations).toEqual([`zfs destroy -r ${OLD.adminSnapshot.name}`]);
  });
});
