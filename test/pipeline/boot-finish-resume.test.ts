/**
 * boot-finish killed (SIGKILL, the built CLI) while its pass applies, then run again: the
 * resumed pass goes on with the plan its journal kept, as `preupd reintegrate` does
 * (test/replay/kill-resume.test.ts), so what it reports and keeps in the state directory names
 * the saved copies the killed run's plan named, under that plan's stamp, not a fresh one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { bootInto, createCycle, writeTree, preupdOk, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();
const PREUPD = resolve(import.meta.dirname, '../../bin/preupd');
/** Files the admin adds in be0 after staging: enough units that the kill lands while applying. */
const LATE_FILES = 1500;

/** A plan's stamp for a time (as src/replay/planner.ts): it sorts by time. */
const stampOf = (now: Date): string => now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

describe.skipIf(unusable !== undefined)(`boot-finish killed while applying, then resumed, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  let root: string;
  /** The first pass's journal and plan, which staging left in the new BE. */
  let firstPass: string[];
  const journalDir = () => join(root, 'var/preupd/journal');
  /** The second pass's journal file ending in `suffix`, if it began. */
  const journalFile = (suffix: string) => readdirSync(journalDir()).find((name) => name.endsWith(suffix) && !firstPass.includes(name));
  const journalLog = () => {
    const log = journalFile('.log');
    return log === undefined ? '' : readFileSync(join(journalDir(), log), 'latin1');
  };
  const ok = (...args: string[]) => preupdOk(c, ...args);

  beforeAll(async () => {
    c = createCycle('resume', { beadm: true });
    await ok('init', '--base-snapshot', `${c.container}/be0@install`);
    writeTree(c.updateDir, { 'usr/bin/newtool': 'from the update\n' });
    await ok('stage', '--activate');
    // After staging, in be0: many new files (carried) and the update's new file, added
    // differently (R8, not editable: the admin's is salvaged to lost+found under the stamp).
    const late: Record<string, string> = { 'usr/bin/newtool': 'written by the admin\n' };
    for (let i = 0; i < LATE_FILES; i++) late[`etc/late/f${i}`] = `late ${i}\n`;
    writeTree(c.live, late);
    root = bootInto(c, 'preupd-0002');
    firstPass = readdirSync(journalDir());
  }, 120_000);
  afterAll(() => c?.cleanup());

  it('the resumed pass reports and keeps the journal\'s plan, with its stamp', async () => {
    const child = spawn('node', [PREUPD, 'boot-finish'], { env: c.env, stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', done));
    // The header and a unit's begin: the journal began, and (with LATE_FILES units) is far from complete.
    while (child.exitCode === null && journalLog().split('\n').length - 1 < 2) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    await exited;
    expect(journalLog().split('\n').length - 1).toBeGreaterThanOrEqual(2);
    expect(journalLog()).not.toContain('"complete"');
    // What a kill leaves besides: the read-only views of the snapshots (a later run makes its own).
    for (const view of c.zfs('list', '-H', '-o', 'name,mountpoint', '-r', c.pool.name).split('\n')) {
      const [name, mountpoint] = view.split('\t');
      if (!name?.includes(`/preupd-view-${child.pid}-`)) continue;
      // zfs-fuse releases the killed process's files asynchronously: "dataset is busy" for a moment.
      for (let tries = 1; spawnSync('zfs', ['destroy', '-f', name], { stdio: 'ignore' }).status !== 0 && tries < 10; tries++) spawnSync('sleep', ['0.3']);
      rmSync(mountpoint!, { recursive: true, force: true });
    }
    const staged = JSON.parse((await c.preupd('status', '--json')).stdout).staged;
    expect(staged).toMatchObject([{ be: 'preupd-0002', status: 'finishing' }]);
    const journaled = JSON.parse(readFileSync(join(journalDir(), journalFile('.plan.json')!), 'utf8'));
    // A fresh plan now would have another stamp.
    while (stampOf(new Date()) <= journaled.stamp) await new Promise((r) => setTimeout(r, 100));

    const resumed = await c.preupd('boot-finish');
    expect([resumed.status, resumed.stderr]).toEqual([1, '']);
    const salvaged = `/var/pkg/lost+found/usr/bin/newtool-${journaled.stamp}`;
    expect(resumed.stdout).toContain(`admin's version saved as ${salvaged}`);
    expect(resumed.stdout).toMatch(/^finished preupd-0002; report: stages\/\w+\/finish\/report\.txt$/m);
    expect(readFileSync(join(root, salvaged), 'utf8')).toBe('written by the admin\n');
    expect(readdirSync(join(root, 'var/pkg/lost+found/usr/bin'))).toEqual([`newtool-${journaled.stamp}`]);
    // The plan and report kept in the state directory are the journal's too.
    const [stageId] = readdirSync(join(c.stateDir, 'stages'));
    const stageDir = join(c.stateDir, 'stages', stageId!, 'finish');
    expect(JSON.parse(readFileSync(join(stageDir, 'plan.json'), 'utf8'))).toMatchObject({ id: journaled.id, stamp: journaled.stamp });
    expect(readFileSync(join(stageDir, 'report.txt'), 'latin1')).toContain(salvaged);
    // And the pass is whole: every late file, the journal complete.
    expect(readdirSync(join(root, 'etc/late'))).toHaveLength(LATE_FILES);
    expect(journalLog()).toContain('"complete"');
    expect(JSON.parse((await c.preupd('status', '--json')).stdout).staged).toMatchObject([{ be: 'preupd-0002', status: 'finished' }]);
  }, 180_000);
});
