import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { adoptRunning, emptyState } from './state.js';
import { readState, STATE_FILE, writeState } from './state-file.js';
import { acquireLock, LOCK_FILE, readLockHolder, withStateLock } from './state-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preupd-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const state = adoptRunning(emptyState(), 'osol', { guid: '16219008151248825369', name: 'rpool/ROOT/osol@install' }, '2026-12-04T01:00:00Z');

describe('state file', () => {
  it('is absent before init, then round-trips, replaced without leftovers', async () => {
    expect(await readState(dir)).toBeUndefined();
    await writeState(dir, emptyState());
    await writeState(dir, state);
    expect(await readState(dir)).toEqual(state);
    expect(await readdir(dir)).toEqual([STATE_FILE]);
  });

  it('names a damaged file and what is wrong with it', async () => {
    const file = join(dir, STATE_FILE);
    const damaged = async (content: string) => {
      await writeFile(file, content);
      const err = await readState(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      return (err as Error).message;
    };
    expect(await damaged('{"version": 1, "pristine": [')).toMatch(new RegExp(`^${file}:1: damaged state: `));
    // One line: V8 quotes a snippet of the text, which may span lines.
    expect(await damaged('{"version": 1,\n "pristine": }\n')).toBe(`${file}: damaged state: Unexpected token '}'`);
    expect(await damaged('{"version": 2, "pristine": [], "staged": []}')).toContain('version 2, expected 1');
    const noGuid = { ...state, pristine: [{ ...state.pristine[0], guid: 161 }] };
    expect(await damaged(JSON.stringify(noGuid))).toContain('pristine[0].guid must be a string');
    expect(await damaged(JSON.stringify({ ...state, running: { be: 'osol' } }))).toContain('running.baseGuid must be a string');
  });
});

describe('state lock', () => {
  it('in a directory that does not exist, says there is no state yet', async () => {
    const missing = join(dir, 'state');
    await expect(acquireLock(missing, 'stage')).rejects.toThrow(new InputError(missing, undefined, 'no preupd state here: run `preupd init` first'));
  });

  it('lets exactly one of two overlapping runs in, and the next one after release', async () => {
    const results = await Promise.allSettled([acquireLock(dir, 'stage'), acquireLock(dir, 'prune')]);
    const taken = results.filter((r) => r.status === 'fulfilled');
    expect(taken).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(InputError);
    expect(String(refused.reason.message)).toMatch(new RegExp(`${LOCK_FILE}: held by (stage|prune) \\(pid ${process.pid} on `));
    await (taken[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
    const again = await acquireLock(dir, 'status');
    await again.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone from this host', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = { pid: dead, host: hostname(), command: 'stage', since: '2026-12-01T00:00:00.000Z' };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(stale));
    await withStateLock(dir, 'stage', async () => {
      const owner = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));
      expect(owner).toMatchObject({ pid: process.pid, command: 'stage' });
    }, { bootTime: () => new Date('2026-11-30T00:00:00.000Z') }); // written since boot: the pid decides
    expect(await readdir(dir)).toEqual([]);
  });

  // The state dataset is shared by all BEs: a run killed by the reboot leaves its lock for the
  // first boot of the new BE, where an unrelated process may have the same pid.
  describe('across a reboot', () => {
    const bootTime = () => new Date('2026-12-04T10:00:00.000Z');
    const lockWrittenAt = async (since: string) => {
      const owner = { pid: process.pid, host: hostname(), command: 'prune', since };
      await writeFile(join(dir, LOCK_FILE), `${JSON.stringify(owner)}\n`);
      return owner;
    };

    it('takes over a lock written before this boot even when its pid runs now', async () => {
      const before = await lockWrittenAt('2026-12-04T09:58:00.000Z');
      expect(await readLockHolder(dir, { bootTime })).toEqual({ ...before, stale: true });
      const now = () => new Date('2026-12-04T10:01:00.000Z');
      await withStateLock(dir, 'boot-finish', async () => {
        const owner = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'));
        expect(owner).toEqual({ pid: process.pid, host: hostname(), command: 'boot-finish', since: '2026-12-04T10:01:00.000Z' });
      }, { bootTime, now });
      expect(await readdir(dir)).toEqual([]);
    });

    it('counts a lock written since this boot, or just before it within the slack, as held while its pid runs', async () => {
      for (const since of ['2026-12-04T10:00:05.000Z', '2026-12-04T09:59:59.000Z']) {
        const after = await lockWrittenAt(since);
        expect(await readLockHolder(dir, { bootTime })).toEqual({ ...after, stale: false });
        await expect(acquireLock(dir, 'boot-finish', { bootTime })).rejects.toThrow(`held by prune (pid ${process.pid} on ${hostname()} since ${since})`);
      }
    });
  });

  it('treats a lock from another host as held, since its pid cannot be checked', async () => {
    const foreign = { pid: 1, host: 'other-host', command: 'stage', since: '2026-12-01T00:00:00.000Z' };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(foreign));
    await expect(acquireLock(dir, 'prune', { isAlive: () => false })).rejects.toThrow(
      'held by stage (pid 1 on other-host since 2026-12-01T00:00:00.000Z)',
    );
  });

  it('does not remove a lock that another run took after ours was removed by hand', async () => {
    const ours = await acquireLock(dir, 'stage');
    const theirs = { pid: 1, host: hostname(), command: 'prune', since: '2026-12-04T02:00:00.000Z' };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(theirs));
    await ours.release();
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toEqual(theirs);
  });

  it('releases the lock when the locked work throws', async () => {
    await expect(withStateLock(dir, 'stage', async () => Promise.reject(new Error('pkg failed')))).rejects.toThrow('pkg failed');
    expect(await readdir(dir)).toEqual([]);
  });
});
