/**
 * What status says beyond the state's record, on the directory backend: staged BEs destroyed
 * by hand, what the pool boots next, the lock of a stage running or killed, BEs a killed
 * stage left, no BE mounted on the root; and that it fails when zfs does.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openContext } from '../../src/pipeline/context.js';
import { createDirZfsRunner } from '../../src/pipeline/dir-zfs-runner.js';
import { readStatus } from '../../src/pipeline/status.js';
import { createSystem } from '../../src/system/system.js';
import { dirCycle, type DirCycle } from './dir-cycle.js';

let c: DirCycle;
afterEach(() => c?.cleanup());

async function initialised(label: string): Promise<DirCycle> {
  c = dirCycle(label);
  await c.ok('init', '--base-snapshot', 'p/ROOT/be0@install');
  return c;
}

async function staged(label: string): Promise<DirCycle> {
  await initialised(label);
  c.update('etc/motd', 'v2\n');
  await c.ok('stage');
  return c;
}

const statusJson = async () => JSON.parse((await c.ok('status', '--json')).stdout);
const statusText = async () => (await c.ok('status')).stdout;

/** Written now: a lock from before this boot is stale whatever its pid (state-lock.ts). */
const SINCE = new Date().toISOString();

function writeLock(pid: number, host = hostname()): void {
  writeFileSync(join(c.stateDir, 'preupd.lock'), `${JSON.stringify({ pid, host, command: 'stage', since: SINCE })}\n`);
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout);
}

describe('status of staged BEs', () => {
  it('marks a staged BE destroyed by hand as gone, changing nothing', async () => {
    await staged('status-gone');
    c.pool((st) => st.destroy('p/ROOT/preupd-0002', true));
    const before = [c.names(), c.state()];
    expect((await statusJson()).staged).toMatchObject([{ be: 'preupd-0002', status: 'staged', exists: false }]);
    expect(await statusText()).toMatch(/^ {2}preupd-0002 {2}staged, 0 conflicts, report \S+ \(dataset gone: destroyed outside preupd\)$/m);
    expect([c.names(), c.state()]).toEqual(before);
  });

  it('says a staged BE activated by hand boots next; the state records no activation', async () => {
    await staged('status-hand');
    expect((await statusJson()).staged).toMatchObject([{ be: 'preupd-0002', activated: false, bootsNext: false, exists: true }]);
    expect(await statusText()).toMatch(/^ {2}preupd-0002 {2}staged, 0 conflicts/m);
    // What `beadm activate preupd-0002` does, as far as which BE boots next goes.
    c.pool((st) => st.setPoolProperty('bootfs', 'p/ROOT/preupd-0002'));
    expect((await statusJson()).staged).toMatchObject([{ be: 'preupd-0002', activated: false, bootsNext: true }]);
    expect(await statusText()).toMatch(/^ {2}preupd-0002 {2}staged, activated, 0 conflicts/m);
  });
});

describe('status of interrupted stages', () => {
  it('names a stage that holds the lock', async () => {
    await initialised('status-live');
    writeLock(process.pid);
    expect((await statusJson()).lock).toEqual({ pid: process.pid, host: hostname(), command: 'stage', since: SINCE, stale: false });
    expect(await statusText()).toMatch(new RegExp(`^stage in progress: pid ${process.pid} on ${hostname()} since ${SINCE}$`, 'm'));
  });

  it('says a stage was killed when its lock is stale, and which BE it left', async () => {
    await initialised('status-stale');
    const pid = deadPid();
    writeLock(pid);
    // What a stage killed before recording its BE leaves (stage.ts STAGE_IN_PROGRESS).
    c.pool((st) => {
      st.clone('p/ROOT/be0@install', 'p/ROOT/preupd-0002', { canmount: 'noauto' });
      st.set('p/ROOT/preupd-0002', 'org.preupd:stage-in-progress', '20260101T000000Z');
    });
    const json = await statusJson();
    expect([json.lock, json.interrupted]).toEqual([
      { pid, host: hostname(), command: 'stage', since: SINCE, stale: true },
      [{ be: 'preupd-0002', stageId: '20260101T000000Z' }],
    ]);
    const text = await statusText();
    expect(text).toMatch(new RegExp(`^stage pid ${pid} was interrupted \\(stale lock\\); the next preupd run takes the lock over$`, 'm'));
    expect(text).toMatch(/^preupd-0002: left from an interrupted stage; the next stage removes it$/m);
    // While a stage runs, the BE it is making is not a leftover.
    writeLock(process.pid);
    expect((await statusJson()).interrupted).toEqual([]);
  });

  it('reports no lock and no leftovers after a plain stage', async () => {
    await staged('status-clean');
    const json = await statusJson();
    expect([json.lock, json.interrupted]).toEqual([null, []]);
  });
});

describe('status and the running BE', () => {
  it('writes running.be null when no BE is mounted on the root', async () => {
    await initialised('status-unmounted');
    c.env.PREUPD_ROOT = join(c.work, 'elsewhere');
    expect((await statusJson()).running).toEqual({ be: null, recorded: 'be0', base: null });
    expect(await statusText()).toMatch(/^running: \(no BE mounted on the root\) \(state records be0\)$/m);
  });

  it("gives a staged BE booted before boot-finish its own base, not the one the state records for the old BE", async () => {
    await staged('status-booted');
    c.boot('preupd-0002');
    const json = await statusJson();
    expect(json.running).toEqual({ be: 'preupd-0002', recorded: 'be0', base: 'p/ROOT/preupd-0002@preupd-pristine-0002' });
    expect(json.pristine.filter((p: { runningBase: boolean }) => p.runningBase).map((p: { name: string }) => p.name)).toEqual(['p/ROOT/preupd-0002@preupd-pristine-0002']);
    expect(await statusText()).toMatch(/^base: p\/ROOT\/preupd-0002@preupd-pristine-0002$/m);
  });

  it('fails (a system command error, exit 3) when zfs fails finding the running BE', async () => {
    await initialised('status-zfs-fails');
    const options = { env: c.env, dryRun: false };
    const dir = createDirZfsRunner(c.storeDir, options);
    const runner = {
      ...dir,
      run: (command: Parameters<typeof dir.run>[0], args: readonly string[], opts?: Parameters<typeof dir.run>[2]) =>
        // Only findRunningBe's query fails: the state loads, then the running BE cannot be read.
        args.includes('name,mountpoint,mounted') ? dir.run('zfs', ['list', 'p/nonexistent'], opts) : dir.run(command, args, opts),
    };
    const system = await createSystem({ pool: 'p', beContainer: 'p/ROOT', ...options, runner });
    const ctx = await openContext({ env: c.env, say: () => {}, system });
    await expect(readStatus(ctx)).rejects.toMatchObject({ code: 'PREUPD_SYSTEM', message: expect.stringContaining("cannot open 'p/nonexistent'") });
  });
});
