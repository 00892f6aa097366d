/**
 * A kill at any write of an apply, the account check's included, then a resume: the target and
 * the report equal an uninterrupted run's (spec/reintegration.md "Safety"). The account check
 * rewrites up to four files; deciding again after a kill between them read half-written files
 * and re-added (and reported) less: the admin-deleted package user bob came back without his
 * group membership and ftpusers line (found by review).
 */
import { mkdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseAction } from '../../src/ips/index.js';
import { applyPlan } from '../../src/replay/apply-plan.js';
import { planScenario } from './scenario.js';
import { cloneTree, describeTree, dir, file } from './trees.js';

const tree = (withBob: boolean) => ({
  etc: dir(), 'etc/ftpd': dir(),
  'etc/passwd': file(`root:x:0:0:Super-User:/root:/bin/sh\n${withBob ? 'bob:x:100:10:Bob:/home/bob:/bin/sh\n' : ''}`),
  'etc/shadow': file(`root:$5$h:18000::::::\n${withBob ? 'bob:NP:18000::::::\n' : ''}`, { mode: 0o400 }),
  'etc/group': file('root::0:\nstaff::10:\nwheel::20:\n'),
  'etc/ftpd/ftpusers': file('root\n'),
});
const bob = parseAction('user username=bob uid=100 group=staff group-list=wheel ftpuser=false home-dir=/home/bob login-shell=/bin/sh password=NP');
// Contents only: mtimes of rewritten files differ from run to run.
const contents = (target: string) => Object.fromEntries(Object.entries(describeTree(target, ['var/preupd/journal'])).map(([k, v]) => [k, v.replace(/@\d+ /, '')]));

it('resumes after a kill at each write to what an uninterrupted run leaves and reports', async () => {
  const base = tree(true);
  const run = await planScenario({ base, update: base, admin: tree(false) });
  const options = { roots: run.roots, accountActions: [bob], today: 20_000 };
  const whole = `${run.target}-whole`;
  mkdirSync(whole);
  cloneTree(run.roots.update, whole);
  const uninterrupted = await applyPlan(run.plan, { target: whole, ...options });
  expect(contents(whole)['/etc/group']).toMatch(/wheel::20:bob\n$/);
  let kills = 0;
  for (let at = 1; ; at++) {
    const target = `${run.target}-${at}`;
    mkdirSync(target);
    cloneTree(run.roots.update, target);
    let writes = 0;
    const crashPoint = (label: string) => {
      if (label === 'renamed' && ++writes === at) throw new Error('killed');
    };
    try {
      await applyPlan(run.plan, { target, ...options, crashPoint });
      break; // fewer writes than `at`: every one was tried
    } catch (err) {
      expect((err as Error).message).toMatch(/killed$/);
    }
    kills++;
    const resumed = await applyPlan(run.plan, { target, ...options });
    expect(contents(target)).toEqual(contents(whole));
    expect(resumed.accounts).toEqual(uninterrupted.accounts);
  }
  expect(kills).toBeGreaterThanOrEqual(4); // passwd and shadow by the plan, then the check's own
});
