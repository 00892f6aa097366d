import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemCommandError } from '../errors.js';
import { commandPath, isExecutable } from './commands.js';
import { createProcessRunner } from './process-runner.js';
import { formatArgv } from './shell-quote.js';

// `zfs` is pointed at node itself, so each test scripts the "command" with -e.
const env = { ...process.env, PREUPD_ZFS: process.execPath };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preupd-runner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('process runner', () => {
  it('passes arguments verbatim, with no shell in between', async () => {
    const runner = createProcessRunner({ env });
    const args = ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '$(touch x); rm *', "it's"];
    const result = await runner.run('zfs', args);
    expect(JSON.parse(result.stdout)).toEqual(['$(touch x); rm *', "it's"]);
    expect(result.argv).toEqual([process.execPath, ...args]);
  });

  it('turns a failing status into a SystemCommandError naming the command and its stderr', async () => {
    const runner = createProcessRunner({ env });
    const err = await runner
      .run('zfs', ['-e', 'console.error("cannot open \'tank/x\': dataset does not exist"); process.exit(1)'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemCommandError);
    const sys = err as SystemCommandError;
    expect(sys.status).toBe(1);
    expect(sys.argv[0]).toBe(process.execPath);
    expect(sys.message).toContain("cannot open 'tank/x': dataset does not exist");
  });

  it('accepts statuses declared as results', async () => {
    const runner = createProcessRunner({ env });
    const result = await runner.run('zfs', ['-e', 'process.exit(4)'], { okStatuses: [0, 4] });
    expect(result.status).toBe(4);
  });

  it('kills a command that outlives its timeout', async () => {
    const runner = createProcessRunner({ env });
    const err = await runner.run('zfs', ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemCommandError);
    expect((err as SystemCommandError).status).toBeNull();
    expect((err as Error).message).toContain('timed out after 200 ms');
  });

  it('reports a missing program as a failed command', async () => {
    const runner = createProcessRunner({ env: { ...env, PREUPD_ZFS: join(dir, 'no-such-zfs') } });
    const err = await runner.run('zfs', ['list']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemCommandError);
    expect((err as Error).message).toMatch(/no-such-zfs list: exit signal: .*ENOENT/);
  });

  it('under --dry-run prints mutating commands and effects without running them, but runs reads', async () => {
    const printed: string[] = [];
    const runner = createProcessRunner({ env, dryRun: true, onCommand: (line) => printed.push(line) });
    const marker = join(dir, 'created');
    const write = `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`;
    await runner.run('zfs', ['-e', write], { mutates: true });
    await expect(stat(marker)).rejects.toThrow();
    const read = await runner.run('zfs', ['-e', 'process.stdout.write("read ran")']);
    expect(read.stdout).toBe('read ran');
    let applied = false;
    await runner.effect('write /rpool/boot/grub/menu.lst', async () => {
      applied = true;
    });
    expect(applied).toBe(false);
    expect(printed).toEqual([formatArgv([process.execPath, '-e', write]), '# write /rpool/boot/grub/menu.lst']);
  });

  it('runs mutating commands and effects for real outside --dry-run, announcing them', async () => {
    const printed: string[] = [];
    const runner = createProcessRunner({ env, onCommand: (line) => printed.push(line) });
    const marker = join(dir, 'really');
    await runner.run('zfs', ['-e', `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`], { mutates: true });
    expect(await readFile(marker, 'utf8')).toBe('x');
    expect(printed).toHaveLength(1);
  });
});

describe('command paths', () => {
  it('uses the PREUPD_* override when set and non-empty', () => {
    expect(commandPath('beadm', { PREUPD_BEADM: '/opt/t/beadm' })).toBe('/opt/t/beadm');
    expect(commandPath('beadm', { PREUPD_BEADM: '' })).toBe('beadm');
    expect(commandPath('zpool', {})).toBe('zpool');
  });

  it('finds executables by path or through PATH', async () => {
    expect(await isExecutable(process.execPath, {})).toBe(true);
    expect(await isExecutable('sh', { PATH: `/nonexistent:/bin:/usr/bin` })).toBe(true);
    expect(await isExecutable('beadm', { PATH: dir })).toBe(false);
  });
});

describe('formatArgv', () => {
  it('leaves plain words bare and single-quotes the rest', () => {
    expect(formatArgv(['zfs', 'clone', '-o', 'canmount=noauto', 'rpool/ROOT/a@s', 'rpool/ROOT/b'])).toBe(
      'zfs clone -o canmount=noauto rpool/ROOT/a@s rpool/ROOT/b',
    );
    expect(formatArgv(['beadm', 'create', '-d', "Admin's update", ''])).toBe(`beadm create -d 'Admin'\\''s update' ''`);
  });
});
