import { describe, expect, it } from 'vitest';
import { FakeRunner, type FakeResponse } from '../../test/fixtures/fake-runner.js';
import { SystemCommandError } from '../errors.js';
import { Pkg } from './pkg.js';
import { parseParsablePlan } from './pkg-parse.js';

const PLAN = JSON.stringify({
  'add-packages': ['pkg://openindiana.org/service/new@1.0'],
  'change-packages': [['pkg://openindiana.org/shell/ksh93@93.21-1', 'pkg://openindiana.org/shell/ksh93@93.21-2']],
  'remove-packages': [],
  'boot-archive-rebuild': true,
  'be-name': null,
});

/** A pkg of a given era: which options it refuses (exit 2), and what update -n answers. */
function pkgOfEra(era: 'modern' | '2010' | '2009.06', updates: boolean): FakeRunner {
  return new FakeRunner((argv): FakeResponse | undefined => {
    if (era !== 'modern' && argv.some((a) => a.startsWith('--parsable'))) return { status: 2, stderr: "pkg: update: illegal option -- parsable=0\n" };
    if (era === '2009.06' && argv.includes('update')) return { status: 2, stderr: "pkg: unknown subcommand 'update'\n" };
    if (!argv.includes('-n')) return undefined;
    if (era === '2009.06') return { stdout: updates ? 'Creating Plan ... done\n' : 'No updates available for this image.\n' };
    if (!updates) return { status: 4, stdout: 'No updates available for this image.\n' };
    return { stdout: era === 'modern' ? `${PLAN}\n` : '            Packages to update:   1\n' };
  });
}

describe('pkg', () => {
  it('checks with --parsable=0 where pkg has it and reads the plan', async () => {
    const runner = pkgOfEra('modern', true);
    const check = await new Pkg(runner).checkForUpdates('/a');
    expect(check).toEqual({
      available: true,
      plan: {
        added: ['pkg://openindiana.org/service/new@1.0'],
        changed: [['pkg://openindiana.org/shell/ksh93@93.21-1', 'pkg://openindiana.org/shell/ksh93@93.21-2']],
        removed: [],
        bootArchiveRebuild: true,
      },
    });
    expect(runner.lines()).toEqual(['pkg -R /a update -n --parsable=0']);
  });

  it('treats exit 4 as nothing to do', async () => {
    expect(await new Pkg(pkgOfEra('modern', false)).checkForUpdates('/a')).toEqual({ available: false });
    expect(await new Pkg(pkgOfEra('2010', false)).checkForUpdates('/a')).toEqual({ available: false });
  });

  it('falls back to plain update, then to 2009.06 image-update with its exit 0 + message', async () => {
    const runner = pkgOfEra('2009.06', false);
    const pkg = new Pkg(runner);
    expect(await pkg.checkForUpdates('/a')).toEqual({ available: false });
    expect(runner.lines()).toEqual(['pkg -R /a update -n --parsable=0', 'pkg -R /a update -n', 'pkg -R /a image-update -n']);
    expect(await new Pkg(pkgOfEra('2009.06', true)).checkForUpdates('/a')).toEqual({ available: true });
  });

  it('updates with the dialect it learnt, -f and --accept, and reports whether anything changed', async () => {
    const modern = pkgOfEra('modern', true);
    const pkg = new Pkg(modern);
    await pkg.refresh('/a');
    await pkg.checkForUpdates('/a');
    expect(await pkg.update('/a')).toBe(true);
    expect(modern.lines()).toEqual(['pkg -R /a refresh', 'pkg -R /a update -n --parsable=0', 'pkg -R /a update -f --accept --parsable=0']);
    expect(modern.calls.map((call) => call.mutates)).toEqual([true, false, true]);

    const old = pkgOfEra('2009.06', true);
    const oldPkg = new Pkg(old);
    await oldPkg.checkForUpdates('/a');
    await oldPkg.update('/a');
    expect(old.lines().at(-1)).toBe('pkg -R /a image-update -f');

    const nothing = new Pkg(new FakeRunner(() => ({ status: 4 })));
    expect(await nothing.update('/a')).toBe(false);
  });

  it('fails with the exit status explained and stderr kept', async () => {
    const runner = new FakeRunner(() => ({ status: 7, stderr: 'pkg: The image cannot be modified as it is currently in use by another package client.\n' }));
    const err = await new Pkg(runner).update('/a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemCommandError);
    expect((err as Error).message).toBe(
      'pkg -R /a update -f --accept --parsable=0: exit 7: pkg: The image cannot be modified as it is currently in use by another package client. / (pkg exit 7: image locked)',
    );
  });

  it('refuses a change-packages entry that is not a pair', () => {
    expect(() => parseParsablePlan('{"change-packages": [["a"]]}')).toThrow(/not a pair/);
    expect(parseParsablePlan('no json here\n')).toBeUndefined();
  });
});
