import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRunner, type FakeResponse } from '../../test/fixtures/fake-runner.js';
import { ZfsBootEnvironments } from './be-zfs.js';
import { Zfs } from './zfs.js';

const MENU = `default 0
title opensolaris
findroot (pool_rpool,0,a)
bootfs rpool/ROOT/opensolaris
kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS
module$ /platform/i86pc/$ISADIR/boot_archive
`;

/** What ZfsBootEnvironments reads about a BE's datasets. */
const GET = 'zfs get -Hp -o name,property,value,source mountpoint,mounted,origin,org.preupd:saved-mountpoint';

/** zfs answering for rpool/ROOT/opensolaris with a child `var`, mountpoint / set locally. */
function respond(argv: readonly string[]): FakeResponse | undefined {
  const line = argv.join(' ');
  if (line === 'zfs list -H -p -o name -r -t filesystem rpool/ROOT/opensolaris') {
    return { stdout: 'rpool/ROOT/opensolaris\nrpool/ROOT/opensolaris/var\n' };
  }
  if (line.startsWith(`${GET} rpool/ROOT/opensolaris `)) {
    return { stdout: 'rpool/ROOT/opensolaris\tmountpoint\t/\tlocal\nrpool/ROOT/opensolaris/var\tmountpoint\t/var\tinherited from rpool/ROOT/opensolaris\n' };
  }
  if (line === 'zfs list -H -o name rpool/ROOT/new') return { status: 1, stderr: "cannot open 'rpool/ROOT/new': dataset does not exist" };
  return undefined;
}

let dir: string;
let menuPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preupd-bezfs-'));
  menuPath = join(dir, 'menu.lst');
  await writeFile(menuPath, MENU);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function bes(runner: FakeRunner): ZfsBootEnvironments {
  return new ZfsBootEnvironments(new Zfs(runner), runner, { pool: 'rpool', container: 'rpool/ROOT', menuPath, newUuid: () => 'u-1' });
}

describe('boot environments without beadm', () => {
  it('clones every dataset of the source BE as libbe does, then adds its menu entry', async () => {
    const runner = new FakeRunner(respond);
    await bes(runner).create('new', { be: 'opensolaris', snapshot: 'preupd-pristine-0002' }, 'preupd 0002');
    expect(runner.lines().filter((line) => !line.startsWith('zfs list') && !line.startsWith('zfs get'))).toEqual([
      'zfs clone -o canmount=noauto -o mountpoint=/ -o org.opensolaris.libbe:uuid=u-1 rpool/ROOT/opensolaris@preupd-pristine-0002 rpool/ROOT/new',
      'zfs clone -o canmount=noauto rpool/ROOT/opensolaris/var@preupd-pristine-0002 rpool/ROOT/new/var',
    ]);
    expect(runner.effects).toEqual([`${menuPath}: add entry "preupd 0002" for rpool/ROOT/new`]);
    expect(await readFile(menuPath, 'utf8')).toBe(
      `${MENU}title preupd 0002\nfindroot (pool_rpool,0,a)\nbootfs rpool/ROOT/new\n` +
        'kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS\nmodule$ /platform/i86pc/$ISADIR/boot_archive\n' +
        '#============ End of LIBBE entry =============\n',
    );
  });

  it('without a menu (or an entry at its default) keeps what boots now, the pool bootfs, the default', async () => {
    const bootfs = (value: string) => (argv: readonly string[]) =>
      argv.join(' ') === 'zpool get bootfs rpool' ? { stdout: `NAME\tPROPERTY\tVALUE\tSOURCE\nrpool\tbootfs\t${value}\tlocal\n` } : respond(argv);
    for (const menu of [undefined, 'default 0\ntimeout 10\n']) {
      if (menu === undefined) await rm(menuPath);
      else await writeFile(menuPath, menu);
      await bes(new FakeRunner(bootfs('rpool/ROOT/opensolaris'))).create('new', { be: 'opensolaris', snapshot: 's' }, 'preupd 0002');
      const lines = (await readFile(menuPath, 'utf8')).split('\n');
      expect(lines.filter((line) => /^(default|title|bootfs) /.test(line))).toEqual([
        'default 0',
        'title opensolaris',
        'bootfs rpool/ROOT/opensolaris',
        'title preupd 0002',
        'bootfs rpool/ROOT/new',
      ]);
    }
    await rm(menuPath);
    const runner = new FakeRunner(bootfs('-'));
    const refused = bes(runner).create('new', { be: 'opensolaris', snapshot: 's' }, 't');
    await expect(refused).rejects.toThrow(`${menuPath}: no entry is the default and pool rpool has no bootfs: adding rpool/ROOT/new would make it boot next`);
    expect(runner.calls.filter((call) => call.mutates)).toEqual([]);
  });

  it('destroys a half-made BE when a clone fails, and leaves the menu alone', async () => {
    let created = false;
    const runner = new FakeRunner((argv) => {
      if (argv[1] === 'clone' && argv.at(-1) === 'rpool/ROOT/new') created = true;
      if (argv[1] === 'clone' && argv.at(-1) === 'rpool/ROOT/new/var') return { status: 1, stderr: 'out of space' };
      if (argv.join(' ') === 'zfs list -H -o name rpool/ROOT/new') return created ? { stdout: 'rpool/ROOT/new\n' } : respond(argv);
      return respond(argv);
    });
    await expect(bes(runner).create('new', { be: 'opensolaris', snapshot: 's' }, 't')).rejects.toThrow(/out of space/);
    expect(runner.lines().at(-1)).toBe('zfs destroy -r rpool/ROOT/new');
    expect(await readFile(menuPath, 'utf8')).toBe(MENU);
  });

  it('under --dry-run records the clones and the menu edit without doing either', async () => {
    const runner = new FakeRunner(respond, true);
    await bes(runner).create('new', { be: 'opensolaris', snapshot: 's' }, 't');
    expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' '))).toEqual([
      'zfs clone -o canmount=noauto -o mountpoint=/ -o org.opensolaris.libbe:uuid=u-1 rpool/ROOT/opensolaris@s rpool/ROOT/new',
      'zfs clone -o canmount=noauto rpool/ROOT/opensolaris/var@s rpool/ROOT/new/var',
    ]);
    expect(runner.effects).toEqual([`${menuPath}: add entry "t" for rpool/ROOT/new`]);
    expect(await readFile(menuPath, 'utf8')).toBe(MENU);
  });

  it('under --dry-run prints a whole cycle for a BE that only the dry run created', async () => {
    const runner = new FakeRunner(respond, true);
    const zfsBes = bes(runner);
    await zfsBes.create('new', { be: 'opensolaris', snapshot: 's' }, 't');
    await zfsBes.mount('new', '/a');
    await zfsBes.unmount('new');
    await zfsBes.activate('new');
    expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' '))).toEqual([
      'zfs clone -o canmount=noauto -o mountpoint=/ -o org.opensolaris.libbe:uuid=u-1 rpool/ROOT/opensolaris@s rpool/ROOT/new',
      'zfs clone -o canmount=noauto rpool/ROOT/opensolaris/var@s rpool/ROOT/new/var',
      'zfs set org.preupd:saved-mountpoint=inherited rpool/ROOT/new',
      'zfs set mountpoint=/a rpool/ROOT/new',
      'zfs mount rpool/ROOT/new',
      'zfs mount rpool/ROOT/new/var',
      'zfs unmount rpool/ROOT/new/var',
      'zfs unmount rpool/ROOT/new',
      'zfs inherit mountpoint rpool/ROOT/new',
      'zfs inherit org.preupd:saved-mountpoint rpool/ROOT/new',
      'zpool set bootfs=rpool/ROOT/new rpool',
      'zfs promote rpool/ROOT/new',
      'zfs promote rpool/ROOT/new/var',
    ]);
    // Nothing was asked about the datasets that do not exist.
    expect(runner.calls.filter((call) => !call.mutates && call.argv.some((arg) => arg.startsWith('rpool/ROOT/new')))).toEqual([]);
    expect(runner.effects).toEqual([`${menuPath}: add entry "t" for rpool/ROOT/new`, `${menuPath}: boot rpool/ROOT/new by default`]);
    expect(await readFile(menuPath, 'utf8')).toBe(MENU);
  });

  it('activates as libbe does: menu default, pool bootfs, then promote of every cloned dataset', async () => {
    await writeFile(menuPath, `${MENU}title new\nbootfs rpool/ROOT/new\n`);
    const runner = new FakeRunner((argv) => {
      const line = argv.join(' ');
      if (line === 'zfs list -H -p -o name -r -t filesystem rpool/ROOT/new') return { stdout: 'rpool/ROOT/new\nrpool/ROOT/new/var\nrpool/ROOT/new/opt\n' };
      if (line.startsWith(`${GET} rpool/ROOT/new `)) {
        // `opt` was created in the new BE, not cloned: nothing to promote.
        return { stdout: 'rpool/ROOT/new\torigin\trpool/ROOT/opensolaris@s\t-\nrpool/ROOT/new/var\torigin\trpool/ROOT/opensolaris/var@s\t-\nrpool/ROOT/new/opt\torigin\t-\t-\n' };
      }
      return undefined;
    });
    await bes(runner).activate('new');
    expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' '))).toEqual([
      'zpool set bootfs=rpool/ROOT/new rpool',
      'zfs promote rpool/ROOT/new',
      'zfs promote rpool/ROOT/new/var',
    ]);
    expect(await readFile(menuPath, 'utf8')).toBe(`${MENU.replace('default 0', 'default 1')}title new\nbootfs rpool/ROOT/new\n`);
  });

  it('mounts a BE on an alternate root, but never a child with its own mountpoint', async () => {
    const runner = new FakeRunner((argv) => {
      const line = argv.join(' ');
      if (line === 'zfs list -H -p -o name -r -t filesystem rpool/ROOT/be') return { stdout: 'rpool/ROOT/be\nrpool/ROOT/be/var\nrpool/ROOT/be/opt\n' };
      if (line.startsWith(`${GET} rpool/ROOT/be `)) {
        const rows = [
          ['rpool/ROOT/be', 'mountpoint', '/', 'local'],
          ['rpool/ROOT/be', 'mounted', 'no', '-'],
          ['rpool/ROOT/be/var', 'mountpoint', '/var', 'inherited from rpool/ROOT/be'],
          ['rpool/ROOT/be/var', 'mounted', 'no', '-'],
          ['rpool/ROOT/be/opt', 'mountpoint', '/opt', 'local'],
          ['rpool/ROOT/be/opt', 'mounted', 'no', '-'],
        ];
        return { stdout: rows.map((row) => `${row.join('\t')}\n`).join('') };
      }
      return undefined;
    });
    await bes(runner).mount('be', '/a');
    expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' '))).toEqual([
      'zfs set org.preupd:saved-mountpoint=local:/ rpool/ROOT/be',
      'zfs set mountpoint=/a rpool/ROOT/be',
      'zfs mount rpool/ROOT/be',
      'zfs mount rpool/ROOT/be/var',
    ]);
  });

  it('refuses to destroy the BE the menu boots by default', async () => {
    const runner = new FakeRunner(respond);
    await expect(bes(runner).destroy('opensolaris')).rejects.toThrow(/is the default boot entry/);
    expect(runner.calls).toEqual([]);
  });
});
