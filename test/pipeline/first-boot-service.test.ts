/**
 * Each stage installs a first-boot service of its own, on the directory backend. Stage carries
 * the running BE's SMF repository into the new BE; a BE whose service ran still holds it
 * there, disabled, until its next boot. So the service a stage from that BE installs must be
 * another one (new to the repository: imported and enabled on first boot), and the new BE
 * must not hold the older service's manifest (manifest-import's cleanup then tears it down).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stamp } from '../../src/pipeline/context.js';
import { dirCycle, type DirCycle } from './dir-cycle.js';

let c: DirCycle;
afterEach(() => c?.cleanup());

const MANIFESTS = 'var/svc/manifest/site';
const METHODS = 'lib/svc/method';
const stageIdOf = (be: string) => c.state().staged.find((s) => s.be === be)!.stageId;
const list = (dir: string) => (existsSync(join(c.live, dir)) ? readdirSync(join(c.live, dir)).sort() : []);

/** A cycle with one update staged and its BE booted: the stage's id. */
async function firstStageBooted(label: string): Promise<string> {
  c = dirCycle(label);
  await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
  c.update('etc/motd', 'v2\n');
  await c.ok('stage');
  const first = stageIdOf('preupd-0002');
  c.boot('preupd-0002');
  return first;
}

/** The next update staged from the running BE, and its BE booted: that stage's id. */
async function nextStageBooted(first: string): Promise<string> {
  // The stage id is the second: a stage in the same second would get the same one.
  while (stamp(new Date()) === first) await new Promise((resolve) => setTimeout(resolve, 50));
  c.update('etc/motd', 'v3\n');
  await c.ok('stage');
  const second = stageIdOf('preupd-0003');
  expect(second).not.toBe(first);
  c.boot('preupd-0003');
  return second;
}

describe('the first-boot service', () => {
  it('of a stage made from a BE whose own service ran (before that BE rebooted) is another service', async () => {
    const first = await firstStageBooted('first-boot-service');
    expect([list(MANIFESTS), list(METHODS)]).toEqual([[`preupd-finish-${first}.xml`], [`preupd-finish-${first}`]]);
    await c.ok('boot-finish');
    // What the method does next: `svcadm disable` (the repository keeps the service, disabled,
    // until this BE's next boot), then it deletes its manifest and method.
    rmSync(join(c.live, MANIFESTS, `preupd-finish-${first}.xml`));
    rmSync(join(c.live, METHODS, `preupd-finish-${first}`));
    const second = await nextStageBooted(first);
    // Only its own service's files: the first one's manifest is gone, so cleanup drops that service.
    expect([list(MANIFESTS), list(METHODS)]).toEqual([[`preupd-finish-${second}.xml`], [`preupd-finish-${second}`]]);
  }, 60_000);

  // Bug (found by review): the plan carried a service the admin finished by hand (after it
  // failed, its files stay) into the next BE as the admin's files: two services there.
  it('of a BE finished by hand, its files still there, is not carried into the next BE', async () => {
    const first = await firstStageBooted('first-boot-by-hand');
    await c.ok('boot-finish');
    const second = await nextStageBooted(first);
    expect([list(MANIFESTS), list(METHODS)]).toEqual([[`preupd-finish-${second}.xml`], [`preupd-finish-${second}`]]);
  }, 60_000);
});
