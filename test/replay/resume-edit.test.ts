/**
 * A resumed apply leaves what the admin changed in the target after the pass began
 * (src/replay/resume-check.ts). boot-finish's pass fails midway (the service goes to
 * maintenance), the admin edits the live root, `svcadm clear` resumes the pass: replaying the
 * journaled plan over the edit would lose it, saved nowhere (found by review).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { applyPlan, type ApplyOptions, executionUnits } from '../../src/replay/apply-plan.js';
import { openJournal } from '../../src/replay/journal.js';
import { CHANGED_SINCE_BEGIN } from '../../src/replay/resume-check.js';
import { safeTarget } from '../../src/replay/safe-target.js';
import { planScenario, type ScenarioRun } from './scenario.js';
import { cloneTree, describeTree, dir, file, type Tree } from './trees.js';

const base: Tree = { etc: dir(), 'etc/zconf': file('base conf\n'), 'etc/motd': file('base motd\n') };
for (let i = 0; i < 4; i++) base[`etc/f${i}`] = file(`base ${i}\n`);
const admin: Tree = { ...base, 'etc/zconf': file('old BE conf\n', { mtime: 1_700_000_100 }), 'etc/motd': file('old BE motd\n', { mtime: 1_700_000_100 }) };
for (let i = 0; i < 4; i++) admin[`etc/f${i}`] = file(`old BE ${i}\n`, { mtime: 1_700_000_100 });
// zconf: both changed it, editable: the old BE's version at its path, update's as .new (two ops, one unit).
const update: Tree = { ...base, 'etc/zconf': file('update conf\n', { mtime: 1_700_000_200 }) };
const scenario = { base, admin, update, preserve: { 'etc/zconf': 'renamenew' } };
const tree = (target: string) => describeTree(target, ['var/preupd/journal']);
const without = (path: string, t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([p]) => p !== path));

/** An apply of `run` killed at the `at`-th rename (the first is the plan kept beside the journal). */
async function killedAt(run: ScenarioRun, at: number): Promise<void> {
  let renames = 0;
  const crashPoint = (label: string) => {
    if (label === 'renamed' && ++renames === at) throw new Error('killed');
  };
  await expect(applyPlan(run.plan, { target: run.target, roots: run.roots, crashPoint })).rejects.toThrow(/killed$/);
}

async function uninterrupted(run: ScenarioRun): Promise<Record<string, string>> {
  const whole = `${run.target}-whole`;
  mkdirSync(whole);
  cloneTree(run.roots.update, whole);
  const report = await applyPlan(run.plan, { target: whole, roots: run.roots });
  expect(report.refused).toEqual([]);
  return tree(whole);
}

it('a resume leaves a path the admin edited in the target since the first attempt, reports it, and does the rest', async () => {
  const run = await planScenario(scenario);
  const whole = await uninterrupted(run);
  const units = executionUnits(run.plan).map((u) => u.ops.map((op) => op.path));
  expect(units).toEqual([...[0, 1, 2, 3].map((i) => [`/etc/f${i}`]), ['/etc/motd'], ['/etc/zconf', '/etc/zconf.new']]);
  await killedAt(run, 2); // in f0's unit

  writeFileSync(`${run.target}/etc/motd`, 'edited in the live root\n');
  const options: ApplyOptions = { target: run.target, roots: run.roots };
  const expected = [{ path: '/etc/motd', why: CHANGED_SINCE_BEGIN }];
  expect((await applyPlan(run.plan, { ...options, dryRun: true })).refused).toEqual(expected);
  const resumed = await applyPlan(run.plan, options);
  expect(resumed.refused).toEqual(expected);
  expect(readFileSync(`${run.target}/etc/motd`, 'latin1')).toBe('edited in the live root\n');
  expect(without('/etc/motd', tree(run.target))).toEqual(without('/etc/motd', whole));
  // A rerun reports it again, from the journal.
  expect((await applyPlan(run.plan, options)).refused).toEqual(expected);
});

it('a path a resume left stays left when that resume is killed in the same unit', async () => {
  const run = await planScenario(scenario);
  const whole = await uninterrupted(run);
  await killedAt(run, 2);
  writeFileSync(`${run.target}/etc/zconf`, 'edited in the live root\n');
  // The first resume redoes f0, then f1..f3, motd, and is killed once zconf.new is in place.
  await killedAt(run, 6);
  expect(readFileSync(`${run.target}/etc/zconf.new`, 'latin1')).toBe('update conf\n');
  const resumed = await applyPlan(run.plan, { target: run.target, roots: run.roots });
  expect(resumed.refused).toEqual([{ path: '/etc/zconf', why: CHANGED_SINCE_BEGIN }]);
  expect(readFileSync(`${run.target}/etc/zconf`, 'latin1')).toBe('edited in the live root\n');
  expect(without('/etc/zconf', tree(run.target))).toEqual(without('/etc/zconf', whole));
});

// Bug (found by review): a run that died before its first unit (here keeping the plan beside
// the journal; a full disk does that) was taken for a fresh one, and its resume checked nothing.
it('a run killed before its first unit is resumed as a resume: it leaves what the admin edited', async () => {
  const run = await planScenario(scenario);
  await killedAt(run, 1);
  writeFileSync(`${run.target}/etc/motd`, 'edited in the live root\n');
  const resumed = await applyPlan(run.plan, { target: run.target, roots: run.roots });
  expect(resumed.refused).toEqual([{ path: '/etc/motd', why: CHANGED_SINCE_BEGIN }]);
  expect(readFileSync(`${run.target}/etc/motd`, 'latin1')).toBe('edited in the live root\n');
});

it('a resume without edits in between gives what an uninterrupted run gives', async () => {
  const run = await planScenario(scenario);
  const whole = await uninterrupted(run);
  await killedAt(run, 4);
  const resumed = await applyPlan(run.plan, { target: run.target, roots: run.roots });
  expect(resumed.refused).toEqual([]);
  expect(tree(run.target)).toEqual(whole);
});

it('a resume refuses a removal, a creation and a metadata change where the target changed, not a directory that only gained children', async () => {
  const before: Tree = { etc: dir(), 'etc/gone0': file('g0\n'), 'etc/gone1': file('g1\n'), opt: dir(), srv: dir() };
  const after: Tree = { etc: dir(), 'etc/new': file('old BE new\n'), opt: dir(0o700), srv: dir(0o700) };
  const run = await planScenario({ base: before, update: before, admin: after });
  // The earlier process did the first unit (a removal has no crash point to be killed at).
  const units = executionUnits(run.plan);
  expect(units.map((u) => u.ops.map((op) => `${op.op} ${op.path}`))).toEqual([['remove /etc/gone1'], ['remove /etc/gone0'], ['put /etc/new'], ['meta /opt'], ['meta /srv']]);
  rmSync(`${run.target}/etc/gone1`);
  const journal = openJournal(safeTarget(run.target), run.plan);
  journal.begin(0);
  journal.finish(0);
  journal.close();
  // Then, in the target: edits at every path still to do, but /srv only gains a file.
  writeFileSync(`${run.target}/etc/gone0`, 'edited\n');
  writeFileSync(`${run.target}/etc/new`, 'made in the live root\n');
  chmodSync(`${run.target}/opt`, 0o750);
  writeFileSync(`${run.target}/srv/extra`, 'added in the live root\n');
  const resumed = await applyPlan(run.plan, { target: run.target, roots: run.roots });
  expect(resumed.refused).toEqual(['/etc/gone0', '/etc/new', '/opt'].map((path) => ({ path, why: CHANGED_SINCE_BEGIN })));
  const t = tree(run.target);
  expect([t['/etc/gone0'], t['/etc/new'], t['/opt'], t['/srv'], t['/srv/extra']]).toEqual([
    expect.stringMatching(/ edited\n$/), expect.stringMatching(/ made in the live root\n$/), 'D 750 0:0', 'D 700 0:0', expect.stringMatching(/ added in the live root\n$/),
  ]);
});
