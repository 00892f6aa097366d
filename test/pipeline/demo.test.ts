/**
 * `preupd demo` end to end (issue 6 item 4): the cycle on corpus/demo, on zfs where it works
 * and on the directory backend everywhere, with the same outcome and nothing left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { runIn } from '../run-cli.js';

const unusable = zfsUnusableReason();

function expectTheCycle(stdout: string): void {
  expect(stdout).toMatch(/^staged preupd-0002 \(2 conflicts\); report: stages\/\d{8}T\d{6}Z\/stage\/report\.txt$/m);
  expect(stdout).toMatch(/^R2 +carried +\/etc\/late-note/m);
  expect(stdout).toMatch(/^ {2}preupd-0002 {2}finished, 2 conflicts/m);
  // The new root: the admin's user and the update's new system user, both.
  const passwd = stdout.slice(stdout.indexOf('--- etc/passwd'));
  expect(passwd).toMatch(/^alice:x:101:/m);
  expect(passwd).toMatch(/^ntp:x:74:74:/m);
}

describe('preupd demo', () => {
  it.skipIf(unusable !== undefined)(`on a file-backed pool, destroyed afterwards ${unusable ?? ''}`, async () => {
    const demo = await runIn(process.cwd(), ['demo'], '', process.env);
    expect([demo.status, demo.stderr]).toEqual([0, '']);
    expectTheCycle(demo.stdout);
    const pools = spawnSync('zpool', ['list', '-H', '-o', 'name'], { encoding: 'utf8' }).stdout;
    expect(pools).not.toContain(`preupddemo${process.pid}`);
  }, 120_000);

  it('on the directory backend, which says what it is, its files removed afterwards', async () => {
    const demo = await runIn(process.cwd(), ['demo', '--directories'], '', process.env);
    expect([demo.status, demo.stderr]).toEqual([0, '']);
    expect(demo.stdout).toMatch(/^NOTE: no ZFS here .*directory backend .*\n.*for demos and tests only/m);
    expectTheCycle(demo.stdout);
    const work = /-m (\S+)\/pool demo$/m.exec(demo.stdout)![1]!;
    expect(existsSync(work)).toBe(false);
  }, 120_000);
});
