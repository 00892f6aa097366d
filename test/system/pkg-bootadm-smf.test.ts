import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SystemCommandError } from '../../src/errors.js';
import { updateBootArchive } from '../../src/system/bootadm.js';
import { Pkg } from '../../src/system/pkg.js';
import { createProcessRunner } from '../../src/system/process-runner.js';
import { installFirstBootService, validateManifest } from '../../src/system/smf.js';
import { stageFirstBootService } from '../../src/system/smf-service.js';
import { readStandInLog, standInEnv } from '../fixtures/stand-ins.js';

const dir = mkdtempSync(join(tmpdir(), 'preupd-standins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let root: string;
let update: string;
let log: string;
let n = 0;
beforeEach(() => {
  const case_ = join(dir, String(++n));
  root = join(case_, 'root');
  update = join(case_, 'update');
  log = join(case_, 'log');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(update, 'usr/bin'), { recursive: true });
  writeFileSync(join(root, 'etc/motd'), 'old motd\n');
  writeFileSync(join(root, 'etc/obsolete.conf'), 'x\n');
  mkdirSync(join(update, 'etc'));
  writeFileSync(join(update, 'etc/motd'), 'new motd\n');
  writeFileSync(join(update, 'usr/bin/tool'), '#!/bin/sh\n', { mode: 0o555 });
  symlinkSync('tool', join(update, 'usr/bin/tool2'));
  writeFileSync(join(update, '.preupd-remove'), 'etc/obsolete.conf\n');
});

const pkgFor = (extra: Record<string, string> = {}) =>
  new Pkg(createProcessRunner({ env: standInEnv(log, { PREUPD_FAKE_PKG_UPDATE: update, ...extra }) }));

describe.each(['modern', '2010', '2009.06'])('pkg adapter against the stand-in pkg (%s)', (era) => {
  it('sees the update, applies it to the -R root, then finds nothing to do', async () => {
    const pkg = pkgFor({ PREUPD_FAKE_PKG_ERA: era });
    await pkg.refresh(root);
    expect((await pkg.checkForUpdates(root)).available).toBe(true);
    expect(await pkg.update(root)).toBe(true);
    expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toBe('new motd\n');
    expect(statSync(join(root, 'usr/bin/tool')).mode & 0o777).toBe(0o555);
    expect(existsSync(join(root, 'etc/obsolete.conf'))).toBe(false);
    expect(existsSync(join(root, '.preupd-remove'))).toBe(false);
    expect(await pkg.checkForUpdates(root)).toEqual({ available: false });
    expect(await pkg.update(root)).toBe(false);
    expect(readStandInLog(log).every((call) => call[0] === 'pkg' && call[1] === '-R' && call[2] === root)).toBe(true);
  });
});

describe('stand-in pkg failures', () => {
  it('a failure half-way leaves a changed root and a SystemCommandError naming pkg', async () => {
    const pkg = pkgFor({ PREUPD_FAKE_PKG_FAIL: '1' });
    const err = await pkg.update(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemCommandError);
    expect((err as Error).message).toMatch(/pkg -R \S+ update -f --accept --parsable=0: exit 1: pkg: simulated failure.*\(pkg exit 1: error\)/);
    expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toBe('new motd\n');
  });

  it('refuses to run without -R, so a test can never touch the host image', async () => {
    const runner = createProcessRunner({ env: standInEnv(log) });
    await expect(runner.run('pkg', ['update', '-n'])).rejects.toThrow(/refusing the live image/);
  });

  it('wants --accept when licenses need it (exit 6)', async () => {
    const runner = createProcessRunner({ env: standInEnv(log, { PREUPD_FAKE_PKG_UPDATE: update, PREUPD_FAKE_PKG_LICENSES: '1' }) });
    const err = await runner.run('pkg', ['-R', root, 'update']).catch((e: unknown) => e);
    expect((err as SystemCommandError).status).toBe(6);
    expect(await pkgFor({ PREUPD_FAKE_PKG_LICENSES: '1' }).update(root)).toBe(true);
  });
});

describe('bootadm and SMF against the stand-ins', () => {
  it('update-archive -R rebuilds the archive inside the root only', async () => {
    await updateBootArchive(createProcessRunner({ env: standInEnv(log) }), root);
    expect(existsSync(join(root, 'platform/i86pc/boot_archive'))).toBe(true);
    expect(readStandInLog(log)).toEqual([['bootadm', 'update-archive', '-R', root]]);
  });

  it('installs the first-boot service into a root, and svccfg validate accepts it', async () => {
    const runner = createProcessRunner({ env: standInEnv(log) });
    const service = stageFirstBootService('20240101T120000Z', ['/usr/bin/preupd', 'boot-finish']);
    await installFirstBootService(runner, root, service);
    const manifest = join(root, service.manifestPath);
    expect(statSync(manifest).mode & 0o777).toBe(0o444);
    expect(statSync(join(root, service.methodPath)).mode & 0o777).toBe(0o555);
    await validateManifest(runner, manifest);
    const broken = join(root, 'broken.xml');
    writeFileSync(broken, readFileSync(manifest, 'utf8').replace(' timeout_seconds="60"', ''));
    await expect(validateManifest(runner, broken)).rejects.toThrow(/does not carry attribute timeout_seconds/);
  });

  it('under --dry-run installs nothing and prints what it would install', async () => {
    const printed: string[] = [];
    const runner = createProcessRunner({ env: standInEnv(log), dryRun: true, onCommand: (line) => printed.push(line) });
    const service = stageFirstBootService('20240101T120000Z', ['/usr/bin/preupd', 'boot-finish']);
    await installFirstBootService(runner, root, service);
    await updateBootArchive(runner, root);
    expect(existsSync(join(root, service.manifestPath))).toBe(false);
    expect(readStandInLog(log)).toEqual([]);
    expect(printed).toEqual([
      `# install ${root}/var/svc/manifest/site/preupd-finish-20240101T120000Z.xml (mode 444)`,
      `# install ${root}/lib/svc/method/preupd-finish-20240101T120000Z (mode 555)`,
      `${standInEnv(log).PREUPD_BOOTADM} update-archive -R ${root}`,
    ]);
  });
});
