/**
 * R2 for FIFOs and device nodes: the admin's are made in the target with the system `mknod`
 * (tests run as root on Linux), with the admin's type, number, mode, owner and mtime.
 */
import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SystemCommandError } from '../../src/errors.js';
import { applyPlan } from '../../src/replay/apply-plan.js';
import { createNodeMaker } from '../../src/system/mknod.js';
import { createProcessRunner } from '../../src/system/process-runner.js';
import { planScenario, runScenario, type Scenario } from './scenario.js';
import { cloneTree, describeTree, device, dir, EPOCH, fifo, file, type Tree } from './trees.js';

/** The maker `preupd reintegrate` wires, its command lines collected in `lines`. */
const mknodMaker = (lines: string[] = [], dryRun = false) =>
  createNodeMaker(createProcessRunner({ env: process.env, dryRun, onCommand: (line) => lines.push(line) }))!;

const base: Tree = { etc: dir(), 'etc/was-file': file('plain\n'), 'etc/keep': file('kept\n') };
const NODES = ['/etc/disk', '/etc/null', '/etc/pipe', '/etc/was-file'];
/** Added: a FIFO, /dev/null's numbers, a block device past glibc's 8-bit minor and 12-bit major; changed: a file into a FIFO. */
const admin: Tree = {
  ...base,
  'etc/pipe': fifo({ mode: 0o640, uid: 1, gid: 2, mtime: EPOCH + 10 }),
  'etc/null': device('c', 1, 3, { mode: 0o666, uid: 0, gid: 3, mtime: EPOCH + 20 }),
  'etc/disk': device('b', 259, 300, { mode: 0o640, uid: 0, gid: 6, mtime: EPOCH + 30 }),
  'etc/was-file': fifo({ mode: 0o600, uid: 3, gid: 4, mtime: EPOCH + 40 }),
};
const scenario: Scenario = { base, admin, update: { ...base, 'etc/keep': file('update kept\n') } };

/** What lstat says of a node, mtime included (describeTree leaves a FIFO's out). */
function nodeStat(root: string, path: string) {
  const st = lstatSync(`${root}${path}`, { bigint: true });
  return { mode: st.mode.toString(8), uid: st.uid, gid: st.gid, rdev: st.rdev, mtime: st.mtimeMs / 1000n };
}

const temporaries = (root: string) => Object.keys(describeTree(root, [])).filter((p) => p.includes('.preupd-'));

describe('FIFOs and device nodes (R2)', () => {
  it('the target gets the admin\'s, with their type, number, mode, owner and mtime, and nothing is refused', async () => {
    const run = await runScenario(scenario, { nodeMaker: mknodMaker() });
    expect(run.report.refused).toEqual([]);
    for (const path of NODES) expect(nodeStat(run.target, path), path).toEqual(nodeStat(run.roots.admin, path));
    const target = describeTree(run.target);
    expect(target['/etc/null']).toBe(`C 666 0:3 rdev 103 @${EPOCH + 20}`);
    expect(lstatSync(`${run.target}/etc/null`).rdev).toBe(lstatSync('/dev/null').rdev);
    expect(target['/etc/was-file']).toBe('P 600 3:4');
    expect(target['/etc/keep']).toMatch(/update kept\n$/);
    expect(temporaries(run.target)).toEqual([]);
  });

  it('prints each mknod it runs; a dry run prints the same commands, reports nothing refused and writes nothing', async () => {
    const run = await planScenario(scenario);
    const before = describeTree(run.target, []);
    const dryLines: string[] = [];
    const dry = await applyPlan(run.plan, { target: run.target, roots: run.roots, dryRun: true, nodeMaker: mknodMaker(dryLines, true) });
    expect(dry.refused).toEqual([]);
    expect(describeTree(run.target, [])).toEqual(before);
    const realLines: string[] = [];
    await applyPlan(run.plan, { target: run.target, roots: run.roots, nodeMaker: mknodMaker(realLines) });
    expect(dryLines).toEqual(realLines);
    const tmp = `${run.target}/etc/\\.preupd-[0-9a-f]{16}\\.tmp/node`;
    expect(realLines.map((line) => line.replace(new RegExp(tmp), 'TMP'))).toEqual(['mknod TMP b 259 300', 'mknod TMP c 1 3', 'mknod TMP p', 'mknod TMP p']);
  });

  it('a resume after a kill at any point, hard or caught, gives the target of an uninterrupted run and leaves no temporary', async () => {
    const whole = await runScenario(scenario, { nodeMaker: mknodMaker() });
    const expected = describeTree(whole.target);
    let points = 0;
    await runScenario(scenario, { nodeMaker: mknodMaker(), crashPoint: () => void points++ });
    expect(points).toBeGreaterThanOrEqual(3 * NODES.length);
    class Killed extends Error {}
    let leftovers = 0;
    for (let killAt = 0; killAt < points; killAt++) {
      const run = await planScenario(scenario);
      // What a SIGKILL leaves: the target at that moment, before the op's cleanup ran.
      const hard = `${run.target}-hard`;
      mkdirSync(hard);
      let calls = 0;
      const crashPoint = (label: string) => {
        if (calls++ !== killAt) return;
        cloneTree(run.target, hard);
        throw new Killed(label);
      };
      const options = { roots: run.roots, nodeMaker: mknodMaker() };
      const err = await applyPlan(run.plan, { target: run.target, ...options, crashPoint }).catch((e: unknown) => e);
      expect(err instanceof Killed || (err as Error).cause instanceof Killed, String(err)).toBe(true);
      expect(temporaries(run.target)).toEqual([]);
      if (temporaries(hard).length > 0) leftovers++;
      for (const target of [run.target, hard]) {
        const resumed = await applyPlan(run.plan, { target, ...options });
        expect(resumed.refused).toEqual([]);
        expect(describeTree(target)).toEqual(expected);
        for (const path of NODES) expect(nodeStat(target, path), path).toEqual(nodeStat(run.roots.admin, path));
        expect(temporaries(target)).toEqual([]);
      }
    }
    // Two kill points of each node find its temporary there (with the node, then empty).
    expect(leftovers).toBeGreaterThanOrEqual(2 * NODES.length);
  });

  // Node cannot hand a command bytes that are not UTF-8: such a directory's nodes are refused, dry or real.
  it('makes nodes in directories named in UTF-8, and refuses, as the dry run does, those in directories whose names are not', async () => {
    const utf8 = Buffer.from('café').toString('latin1');
    const run = await planScenario({ base, update: base, admin: { ...base, [utf8]: dir(), [`${utf8}/pipe`]: fifo({ mode: 0o600 }), 'd\xff': dir(), 'd\xff/pipe': fifo({ mode: 0o600 }) } });
    const lines: string[] = [];
    const dry = await applyPlan(run.plan, { target: run.target, roots: run.roots, dryRun: true, nodeMaker: mknodMaker(lines, true) });
    const real = await applyPlan(run.plan, { target: run.target, roots: run.roots, nodeMaker: mknodMaker() });
    const refused = [{ path: '/d\xff/pipe', why: 'the mknod command cannot be given this path: it is not UTF-8' }];
    expect([dry.refused, real.refused]).toEqual([refused, refused]);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^mknod '${run.target}/café/\\.preupd-[0-9a-f]{16}\\.tmp/node' p$`))]);
    expect(describeTree(run.target)[`/${utf8}/pipe`]).toBe('P 600 0:0');
    expect(temporaries(run.target)).toEqual([]);
  });

  it('stops at a failed mknod as at a failed command (exit 3), leaving no temporary', async () => {
    const run = await planScenario(scenario);
    const failing = createNodeMaker(createProcessRunner({ env: { ...process.env, PREUPD_MKNOD: 'false' } }))!;
    const err = await applyPlan(run.plan, { target: run.target, roots: run.roots, nodeMaker: failing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemCommandError);
    expect((err as Error).message).toMatch(/^false \S+\/etc\/\.preupd-[0-9a-f]{16}\.tmp\/node b 259 300: exit 1$/);
    expect(temporaries(run.target)).toEqual([]);
  });

  it('refuses to run with a maker of the other kind: a printing one in a real run, a making one in a dry run', async () => {
    const run = await planScenario(scenario);
    await expect(applyPlan(run.plan, { target: run.target, roots: run.roots, nodeMaker: mknodMaker([], true) })).rejects.toThrow('only prints');
    await expect(applyPlan(run.plan, { target: run.target, roots: run.roots, dryRun: true, nodeMaker: mknodMaker() })).rejects.toThrow('makes nodes');
  });

  it('stops, writing nothing at the path, when the admin\'s entry is no longer what was planned', async () => {
    const run = await planScenario(scenario);
    rmSync(`${run.roots.admin}/etc/pipe`);
    mkdirSync(`${run.roots.admin}/etc/pipe`);
    await expect(applyPlan(run.plan, { target: run.target, roots: run.roots, nodeMaker: mknodMaker() }))
      .rejects.toThrow('/etc/pipe: no longer of type P in admin (inputs changed since planning)');
    expect(describeTree(run.target)['/etc/pipe']).toBeUndefined();
    expect(temporaries(run.target)).toEqual([]);
  });
});
