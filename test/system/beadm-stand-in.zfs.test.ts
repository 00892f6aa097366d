import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeadmBootEnvironments } from '../../src/system/beadm.js';
import { chooseBootEnvironments } from '../../src/system/be-select.js';
import { createProcessRunner } from '../../src/system/process-runner.js';
import { Zfs } from '../../src/system/zfs.js';
import { readStandInLog, standInEnv } from '../fixtures/stand-ins.js';
import { createTestPool, zfsUnusableReason, type TestPool } from '../fixtures/zfs-pool.js';

const skip = zfsUnusableReason();

describe.skipIf(skip !== undefined)(`beadm adapter against the stand-in beadm on a real pool${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pool: TestPool;
  let log: string;
  let altroot: string;
  let env: NodeJS.ProcessEnv;
  let zfs: Zfs;
  const ds = (rel: string) => `${pool.name}/${rel}`;
  const beadm = (beEnv: NodeJS.ProcessEnv) => {
    const runner = createProcessRunner({ env: beEnv });
    return new BeadmBootEnvironments(new Zfs(runner), runner, { pool: pool.name, container: ds('ROOT') });
  };

  beforeAll(() => {
    pool = createTestPool('beadm');
    for (const rel of ['ROOT', 'ROOT/osol', 'ROOT/osol/var']) execFileSync('zfs', ['create', ds(rel)]);
    writeFileSync(join(pool.mountpoint, 'ROOT/osol/var/marker'), 'osol\n');
    execFileSync('zfs', ['snapshot', '-r', ds('ROOT/osol@preupd-pristine-0002')]);
    altroot = mkdtempSync('/var/tmp/preupd-beadm-alt-');
    log = join(altroot, '..', `${pool.name}.log`);
    env = standInEnv(log, { PREUPD_FAKE_BE_CONTAINER: ds('ROOT'), PREUPD_FAKE_BE_RUNNING: 'osol' });
    zfs = new Zfs(createProcessRunner());
  });
  afterAll(() => {
    pool?.destroy();
    if (altroot) rmSync(altroot, { recursive: true, force: true });
    if (log) rmSync(log, { force: true });
  });

  it('is chosen when beadm is executable', async () => {
    const runner = createProcessRunner({ env });
    expect((await chooseBootEnvironments(runner, zfs, env, { pool: pool.name, container: ds('ROOT') })).kind).toBe('beadm');
    const noBeadm = { ...env, PREUPD_BEADM: join(altroot, 'no-beadm') };
    expect((await chooseBootEnvironments(runner, zfs, noBeadm, { pool: pool.name, container: ds('ROOT') })).kind).toBe('zfs');
  });

  it('creates, lists, mounts, unmounts, activates and destroys a BE', async () => {
    const bes = beadm(env);
    await bes.create('preupd-0002', { be: 'osol', snapshot: 'preupd-pristine-0002' }, 'preupd 0002');
    expect(await zfs.getProperty(ds('ROOT/preupd-0002'), 'org.preupd.test:title')).toBe('preupd 0002');
    expect(await zfs.getProperty(ds('ROOT/preupd-0002/var'), 'canmount')).toBe('noauto');

    const listed = await bes.list();
    expect(listed.map((be) => [be.name, be.activeNow, be.activeOnReboot])).toEqual([
      ['osol', true, false],
      ['preupd-0002', false, false],
    ]);
    expect(listed[1]?.uuid).toMatch(/^[0-9a-f-]{36}$/);

    await bes.mount('preupd-0002', altroot);
    expect(readFileSync(join(altroot, 'var/marker'), 'utf8')).toBe('osol\n');
    expect((await bes.list()).find((be) => be.name === 'preupd-0002')?.mountpoint).toBe(altroot);
    await bes.unmount('preupd-0002');

    await bes.activate('preupd-0002');
    expect((await bes.list()).find((be) => be.activeOnReboot)?.name).toBe('preupd-0002');
    expect(await zfs.getProperty(ds('ROOT/osol'), 'origin')).toBe(ds('ROOT/preupd-0002@preupd-pristine-0002'));

    await expect(bes.destroy('preupd-0002')).rejects.toThrow(/beadm destroy -Fs preupd-0002: exit 1: beadm: Unable to destroy/);
    expect(readStandInLog(log).map((call) => call.slice(0, 2).join(' '))).toEqual([
      'beadm create',
      'beadm list',
      'beadm mount',
      'beadm list',
      'beadm unmount',
      'beadm activate',
      'beadm list',
      'beadm',
      'beadm destroy',
    ]);
  });

  it('destroys a BE that has snapshots (every preupd BE has), as beadm.c and the Python beadm would', async () => {
    for (const style of ['c', 'python']) {
      const styleEnv = { ...env, PREUPD_FAKE_BEADM_STYLE: style };
      const bes = beadm(styleEnv);
      // The activation above moved the pristine snapshot onto preupd-0002.
      await bes.create('preupd-0009', { be: 'preupd-0002', snapshot: 'preupd-pristine-0002' }, 'preupd 0009');
      execFileSync('zfs', ['snapshot', '-r', ds('ROOT/preupd-0009@preupd-staged-1')]);
      if (style === 'c') {
        // illumos libbe: BE_ERR_SS_EXISTS without -s.
        expect(() => execFileSync(env.PREUPD_BEADM!, ['destroy', '-F', 'preupd-0009'], { env: styleEnv, stdio: 'pipe' })).toThrow(/BE has snapshots/);
      }
      await bes.destroy('preupd-0009');
      expect(await zfs.exists(ds('ROOT/preupd-0009'))).toBe(false);
    }
  });

  it('lists the same BEs in the Python beadm format', async () => {
    const c = await beadm(env).list();
    const pyEnv = { ...env, PREUPD_FAKE_BEADM_STYLE: 'python' };
    const raw = execFileSync(env.PREUPD_BEADM!, ['list', '-H'], { env: pyEnv, encoding: 'utf8' });
    expect(raw).toMatch(/^osol;-;N;\/;/m);
    expect(await beadm(pyEnv).list()).toEqual(c);
  });

  it('destroy keeps the origin snapshot, which the stand-in destroys as libbe does once nothing else is cloned from it', async () => {
    const standIn = (...args: string[]) => execFileSync(env.PREUPD_BEADM!, args, { env, stdio: 'pipe' });
    const snapshots = async (snap: string) => [(await zfs.exists(ds(`ROOT/osol@${snap}`))), await zfs.exists(ds(`ROOT/osol/var@${snap}`))];
    execFileSync('zfs', ['snapshot', '-r', ds('ROOT/osol@k1')]);
    // The stand-in alone: the origin goes with the last clone of it, recursively.
    standIn('create', '-e', 'osol@k1', 'k1-a');
    standIn('create', '-e', 'osol@k1', 'k1-b');
    standIn('destroy', '-F', 'k1-a');
    expect(await snapshots('k1')).toEqual([true, true]);
    standIn('destroy', '-F', 'k1-b');
    expect(await snapshots('k1')).toEqual([false, false]);
    // Through the adapter: the BE goes, its origin stays, and so does nothing else.
    execFileSync('zfs', ['snapshot', '-r', ds('ROOT/osol@k2')]);
    const bes = beadm(env);
    await bes.create('k2-a', { be: 'osol', snapshot: 'k2' }, 'k2-a');
    await bes.destroy('k2-a');
    expect(await zfs.exists(ds('ROOT/k2-a'))).toBe(false);
    expect(await snapshots('k2')).toEqual([true, true]);
    expect(await zfs.exists(`${pool.name}/preupd-keep-origin`)).toBe(false);
    // A keeper left by a killed destroy does not stand in the way.
    await bes.create('k2-b', { be: 'osol', snapshot: 'k2' }, 'k2-b');
    execFileSync('zfs', ['clone', '-o', 'canmount=off', '-o', `org.preupd:keep-origin=${ds('ROOT/osol@k2')}`, ds('ROOT/osol@k2'), `${pool.name}/preupd-keep-origin`]);
    await bes.destroy('k2-b');
    expect(await zfs.exists(ds('ROOT/k2-b'))).toBe(false);
    expect(await snapshots('k2')).toEqual([true, true]);
    expect(await zfs.exists(`${pool.name}/preupd-keep-origin`)).toBe(false);
  });
});
