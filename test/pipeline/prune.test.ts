/**
 * prune after the admin acted outside preupd (rollbacks, `beadm destroy`, `zfs destroy`), on
 * the directory backend: it never destroys what the running BE stands on, refuses when it
 * cannot tell what that is, counts only snapshots that exist among the newest --keep, and
 * cleans up after a staged BE destroyed by hand as stage does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dirCycle, type DirCycle } from './dir-cycle.js';

let c: DirCycle;
afterEach(() => c?.cleanup());

/** preupd-0002 staged with --activate (promoted: the chain moves onto it), booted and finished. */
async function bootedFirstUpdate(label: string): Promise<DirCycle> {
  c = dirCycle(label);
  await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
  c.update('etc/motd', 'v2\n');
  await c.ok('stage', '--activate');
  c.boot('preupd-0002');
  await c.ok('boot-finish');
  return c;
}

describe('prune and the running BE', () => {
  it('keeps the base of the BE running after a rollback, not only the base the state records', async () => {
    await bootedFirstUpdate('prune-rollback');
    c.update('usr/bin/tool', 'v3\n');
    await c.ok('stage');
    c.boot('preupd-0003');
    await c.ok('boot-finish');
    // Back to preupd-0002; the admin destroys preupd-0003 (and so its pristine) by hand.
    c.boot('preupd-0002');
    c.pool((st) => st.destroy('p/ROOT/preupd-0003', true));
    const dry = await c.ok('prune', '--keep', '1', '--dry-run');
    expect(dry.stdout).toContain("keep p/ROOT/preupd-0002@preupd-pristine-0002 (the running BE's base)\n");
    // Not "the running BE's base": it is gone, and preupd-0003 does not run.
    expect(dry.stdout).toContain('keep p/ROOT/preupd-0003@preupd-pristine-0003 (destroyed outside preupd; still recorded as the base of preupd-0003)\n');
    expect(dry.stdout).not.toMatch(/destroy -r p\/ROOT\/preupd-0002@preupd-pristine-0002/);
    await c.ok('prune', '--keep', '1');
    expect(c.names()).toContain('p/ROOT/preupd-0002@preupd-pristine-0002');
    expect(c.state().pristine.map((p) => p.name)).toContain('p/ROOT/preupd-0002@preupd-pristine-0002');
  });

  it('refuses with one line, exit 2, changing nothing, when the running BE is not on the chain', async () => {
    c = dirCycle('prune-unknown');
    await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    c.update('etc/motd', 'v2\n');
    await c.ok('stage');
    c.boot('preupd-0002');
    await c.ok('boot-finish');
    // Rolled back to be0, which is no clone (its base was a snapshot of its own): unknown base.
    c.boot('be0');
    c.pool((st) => st.destroy('p/ROOT/preupd-0002', true));
    const before = [c.names(), c.state()];
    for (const args of [['--dry-run'], []]) {
      const run = await c.preupd('prune', '--keep', '1', ...args);
      expect([run.status, run.stdout, run.stderr]).toEqual([
        2,
        '',
        'preupd: p/ROOT/be0: the running root is not a clone of any known pristine snapshot (see `preupd status`; `preupd init --base-snapshot`)\n',
      ]);
    }
    expect([c.names(), c.state()]).toEqual(before);
  });

  it('refuses when no BE is mounted on the root', async () => {
    c = dirCycle('prune-unmounted');
    await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    c.env.PREUPD_ROOT = `${c.work}/elsewhere`;
    const run = await c.preupd('prune', '--keep', '1');
    expect([run.status, run.stderr]).toEqual([2, `preupd: p/ROOT: no boot environment in p/ROOT is mounted on ${c.work}/elsewhere\n`]);
  });
});

describe('prune and snapshots destroyed outside preupd', () => {
  it('counts among the newest --keep only the pristine snapshots that still exist', async () => {
    await bootedFirstUpdate('prune-newest');
    c.update('usr/bin/tool', 'v3\n');
    await c.ok('stage', '--activate');
    c.boot('preupd-0003');
    await c.ok('boot-finish');
    // The admin removes the old BEs, then the 0002 pristine, which nothing depends on any more.
    c.pool((st) => {
      st.destroy('p/ROOT/be0', true);
      st.destroy('p/ROOT/preupd-0002', true);
      st.destroy('p/ROOT/preupd-0003@preupd-pristine-0002', false);
    });
    const run = await c.ok('prune', '--keep', '2');
    expect(run.stdout).toContain('forgot p/ROOT/preupd-0003@preupd-pristine-0002 (already destroyed outside preupd)\n');
    expect(run.stdout).toContain('keep p/ROOT/preupd-0003@install (one of the newest 2)\n');
    expect(c.names()).toContain('p/ROOT/preupd-0003@install');
  });

  it('forgets a staged BE destroyed by hand and destroys its stage snapshot, as stage would', async () => {
    c = dirCycle('prune-vanished');
    await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    c.update('etc/motd', 'v2\n');
    await c.ok('stage');
    const stageSnapshot = c.state().staged[0]!.adminSnapshot.name;
    expect(stageSnapshot).toMatch(/^p\/ROOT\/be0@preupd-stage-/);
    c.pool((st) => st.destroy('p/ROOT/preupd-0002', true));
    const before = [c.names(), c.state()];
    const dry = await c.ok('prune', '--dry-run');
    expect(dry.stdout).toContain(`# preupd-0002 is recorded but p/ROOT/preupd-0002 is gone: forgetting it\n+ zfs destroy -r ${stageSnapshot}\n`);
    expect([c.names(), c.state()]).toEqual(before);
    await c.ok('prune');
    expect(c.state().staged).toEqual([]);
    expect(c.state().pristine.map((p) => p.name)).toEqual(['p/ROOT/be0@install']);
    expect(c.names().filter((n) => n.includes('@'))).toEqual(['p/ROOT/be0@install']);
  });
});
