/** `preupd demo` end to end (issue 6 item 4): the cycle on corpus/demo, and nothing left behind. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { runIn } from '../run-cli.js';

const unusable = zfsUnusableReason();

describe.skipIf(unusable !== undefined)(`preupd demo ${unusable ?? ''}`, () => {
  it('stages the update with the admin changes, finishes on first boot, and destroys its pool', async () => {
    const demo = await runIn(process.cwd(), ['demo'], '', process.env);
    expect([demo.status, demo.stderr]).toEqual([0, '']);
    expect(demo.stdout).toMatch(/^staged preupd-0002 \(2 conflicts\); report: stages\/\d{8}T\d{6}Z\/stage\/report\.txt$/m);
    expect(demo.stdout).toMatch(/^R2 +carried +\/etc\/late-note/m);
    expect(demo.stdout).toMatch(/^ {2}preupd-0002 {2}finished, 2 conflicts/m);
    // The new root: the admin's user and the update's new system user, both.
    const passwd = demo.stdout.slice(demo.stdout.indexOf('--- etc/passwd'));
    expect(passwd).toMatch(/^alice:x:101:/m);
    expect(passwd).toMatch(/^ntp:x:74:74:/m);
    const pools = spawnSync('zpool', ['list', '-H', '-o', 'name'], { encoding: 'utf8' }).stdout;
    expect(pools).not.toContain(`preupddemo${process.pid}`);
  }, 120_000);
});
