/** What the executor refuses: reported, kept, and never left half-done (spec/reintegration.md "Safety"). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAction } from '../../src/ips/index.js';
import { applyPlan, type ApplyOptions, type ApplyReport } from '../../src/replay/apply-plan.js';
import { overlappingScenarioArb } from './arbitraries.js';
import { planScenario, type Scenario, STAMP } from './scenario.js';
import { describeTree, dir, fifo, file, symlink } from './trees.js';

describe('refused steps', () => {
  // Bug: the admin's file was written to a temporary, the rename refused, and the temporary
  // (admin content) stayed in the target under a dot name, reported nowhere.
  it('a file that may not replace a non-empty directory goes to the saved area, and no temporary is left', async () => {
    const base = { d: dir(), 'd/a': file('a\n') };
    const run = await planScenario({ base, admin: { d: file('admin file\n') }, update: base });
    writeFileSync(`${run.target}/d/stray`, 'not in any manifest\n');
    const report = await applyPlan(run.plan, { target: run.target, roots: run.roots });
    const saved = `/var/preupd/saved/${STAMP}/d`;
    expect(report.refused).toEqual([{ path: '/d', why: `directory not empty; kept, and the version meant for it saved as ${saved}` }]);
    expect(readFileSync(`${run.target}${saved}`, 'latin1')).toBe('admin file\n');
    expect(Object.keys(describeTree(run.target, [])).filter((p) => p.includes('.preupd-'))).toEqual([]);
    expect(describeTree(run.target)['/d/stray']).toMatch(/not in any manifest/);
  });
});

/** What the report says about refusals and accounts, dry or real. */
const outcomes = (report: ApplyReport) => ({ refused: report.refused, accounts: report.accounts.map((r) => [r.name, r.problems, r.applied]) });

async function dryThenReal(s: Scenario, options: Partial<ApplyOptions> = {}) {
  const run = await planScenario(s);
  const before = describeTree(run.target, []);
  const dry = await applyPlan(run.plan, { target: run.target, roots: run.roots, dryRun: true, ...options });
  expect(describeTree(run.target, [])).toEqual(before);
  const real = await applyPlan(run.plan, { target: run.target, roots: run.roots, ...options });
  return { run, dry: outcomes(dry), real: outcomes(real) };
}

describe('--dry-run', () => {
  // Bug: the dry run checked each path against the target as it was before the run: it refused
  // /s/conf (the real run replaces the symlink /s first) and never saw the FIFO the real run refuses.
  it('reports the refusals of the real run, on a target that changes under the run', async () => {
    const base = { d: dir(), s: symlink('d') };
    const { run, dry, real } = await dryThenReal({ base, update: base, admin: { d: dir(), s: dir(), 's/conf': file('mine\n'), fifo: fifo() } });
    expect(real.refused).toEqual([{ path: '/fifo', why: 'FIFOs and device nodes are not created (no mknod in node)' }]);
    expect(dry).toEqual(real);
    expect(describeTree(run.target)['/s/conf']).toMatch(/ mine\n$/);
  });

  it('reports a directory the real run finds not empty, and where its replacement goes', async () => {
    const base = { d: dir(), 'd/a': file('a\n') };
    const run = await planScenario({ base, admin: { d: file('admin file\n') }, update: base });
    writeFileSync(`${run.target}/d/stray`, 'not in any manifest\n');
    const dry = await applyPlan(run.plan, { target: run.target, roots: run.roots, dryRun: true });
    expect(outcomes(dry)).toEqual(outcomes(await applyPlan(run.plan, { target: run.target, roots: run.roots })));
    expect(dry.refused.map((r) => r.path)).toEqual(['/d']);
  });

  // Bug: account re-applications happened only in real runs, invisible in the dry run.
  it('reports the account re-applications of the real run', async () => {
    const passwd = 'root:x:0:0:Super-User:/root:/usr/bin/bash\nsvc:x:60:1:& User:/var/svc:/bin/sh\n';
    const accounts = (rows: string) => ({ etc: dir(), 'etc/passwd': file(rows), 'etc/group': file('root::0:\nother::1:\n'), 'etc/shadow': file('svc:*LK*:18000::::::\n', { mode: 0o400 }) });
    const actions = [parseAction('user username=svc uid=60 group=other home-dir=/var/svc login-shell=/bin/sh password=*LK*')];
    const { dry, real } = await dryThenReal(
      { base: accounts(passwd), update: accounts(passwd), admin: accounts('root:x:0:0:Super-User:/root:/usr/bin/bash\n') },
      { accountActions: actions, today: 20000 },
    );
    expect(real.accounts).toEqual([['svc', ["username: '<missing>' should be 'svc'"], true]]);
    expect(dry).toEqual(real);
  });

  it('reports what the real run reports, on any overlapping edits', async () => {
    await fc.assert(fc.asyncProperty(overlappingScenarioArb, async (s) => {
      const { dry, real } = await dryThenReal(s);
      expect(dry).toEqual(real);
    }), { numRuns: 40 });
  });

  it('after a completed run, reports what that run refused', async () => {
    const base = { d: dir() };
    const run = await planScenario({ base, update: base, admin: { d: dir(), fifo: fifo() } });
    const real = await applyPlan(run.plan, { target: run.target, roots: run.roots });
    const dry = await applyPlan(run.plan, { target: run.target, roots: run.roots, dryRun: true });
    expect([dry.alreadyApplied, dry.refused]).toEqual([true, real.refused]);
  });
});

describe('resuming', () => {
  // Bug: a resume with a fresh plan (same inputs, later stamp) salvaged the rest under its own
  // stamp, so the copies were split between two names and the report named missing ones.
  it('goes on with the plan the journal was started with, whatever plan it is handed', async () => {
    const run = await planScenario({ base: { a: file('a\n'), b: file('b\n') }, admin: { a: file('admin a\n'), b: file('admin b\n') }, update: {} });
    let calls = 0;
    const killAfterA = () => {
      if (calls++ === 4) throw new Error('killed'); // plan file (2 calls), /a's copy (2), then /b's
    };
    await expect(applyPlan(run.plan, { target: run.target, roots: run.roots, crashPoint: killAfterA })).rejects.toThrow('killed');
    const later = JSON.parse(JSON.stringify(run.plan).replaceAll(STAMP, '20991231T235959Z')) as typeof run.plan;
    await applyPlan(later, { target: run.target, roots: run.roots });
    expect(readdirSync(`${run.target}/var/pkg/lost+found`).sort()).toEqual([`a-${STAMP}`, `b-${STAMP}`]);
  });
});
