import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { SystemCommandError } from '../errors.js';
import { Zfs } from './zfs.js';
import { parseGetOutput, parseListOutput, parseZpoolGet, userPropertyValue } from './zfs-parse.js';

const NO_LIST_P = { status: 2, stderr: "invalid option 'p'\nusage:\n\tlist [-rH][-d max] ...\n" };

describe('zfs commands', () => {
  it('builds the documented command lines, flagged as changes', async () => {
    const runner = new FakeRunner();
    const zfs = new Zfs(runner);
    await zfs.snapshot('rpool/ROOT/be@preupd-pristine-0001', { recursive: true });
    await zfs.clone('rpool/ROOT/be@s', 'rpool/ROOT/be2', { canmount: 'noauto', 'org.opensolaris.libbe:uuid': 'u-1' });
    await zfs.promote('rpool/ROOT/be2');
    await zfs.set('rpool/ROOT/be2', { canmount: 'noauto', mountpoint: '/' });
    await zfs.inherit('rpool/ROOT/be2', 'mountpoint');
    await zfs.mount('rpool/ROOT/be2');
    await zfs.unmount('rpool/ROOT/be2', { force: true });
    await zfs.destroy('rpool/ROOT/be', { recursive: true, dependents: true });
    await zfs.setPoolProperty('rpool', 'bootfs', 'rpool/ROOT/be2');
    expect(runner.lines()).toEqual([
      'zfs snapshot -r rpool/ROOT/be@preupd-pristine-0001',
      'zfs clone -o canmount=noauto -o org.opensolaris.libbe:uuid=u-1 rpool/ROOT/be@s rpool/ROOT/be2',
      'zfs promote rpool/ROOT/be2',
      'zfs set canmount=noauto rpool/ROOT/be2',
      'zfs set mountpoint=/ rpool/ROOT/be2',
      'zfs inherit mountpoint rpool/ROOT/be2',
      'zfs mount rpool/ROOT/be2',
      'zfs unmount -f rpool/ROOT/be2',
      'zfs destroy -rR rpool/ROOT/be',
      'zpool set bootfs=rpool/ROOT/be2 rpool',
    ]);
    expect(runner.calls.every((call) => call.mutates)).toBe(true);
  });

  it('lists with -p where it exists', async () => {
    const runner = new FakeRunner(() => ({ stdout: 'rpool/ROOT/be@a\t111\t3\nrpool/ROOT/be@b\t222\t9\n' }));
    const rows = await new Zfs(runner).list({ roots: ['rpool/ROOT/be'], type: 'snapshot', depth: 1, properties: ['guid', 'createtxg'] });
    expect(runner.lines()).toEqual(['zfs list -H -p -o name,guid,createtxg -d 1 -t snapshot rpool/ROOT/be']);
    expect(rows).toEqual([
      { name: 'rpool/ROOT/be@a', properties: { guid: '111', createtxg: '3' } },
      { name: 'rpool/ROOT/be@b', properties: { guid: '222', createtxg: '9' } },
    ]);
  });

  it('falls back to zfs get -Hp where zfs list has no -p, and remembers it', async () => {
    const runner = new FakeRunner((argv) => {
      if (argv.includes('-p')) return NO_LIST_P;
      if (argv[1] === 'list') return { stdout: 'tank/a@s1\ntank/a@s2\n' };
      return { stdout: 'tank/a@s1\tguid\t16219008151248825369\t-\ntank/a@s2\tguid\t42\t-\ntank/a@s1\tcreatetxg\t14\t-\n' };
    });
    const zfs = new Zfs(runner);
    const query = { roots: ['tank/a'], type: 'snapshot', depth: 1, properties: ['guid', 'createtxg'] } as const;
    const rows = await zfs.list(query);
    expect(rows).toEqual([
      // guids exceed 2^53: they stay strings
      { name: 'tank/a@s1', properties: { guid: '16219008151248825369', createtxg: '14' } },
      { name: 'tank/a@s2', properties: { guid: '42', createtxg: '-' } },
    ]);
    await zfs.list(query);
    expect(runner.lines()).toEqual([
      'zfs list -H -p -o name,guid,createtxg -d 1 -t snapshot tank/a',
      'zfs list -H -o name -d 1 -t snapshot tank/a',
      'zfs get -Hp -o name,property,value,source guid,createtxg tank/a@s1 tank/a@s2',
      'zfs list -H -o name -d 1 -t snapshot tank/a',
      'zfs get -Hp -o name,property,value,source guid,createtxg tank/a@s1 tank/a@s2',
    ]);
  });

  it('does not mistake other list failures for a missing -p', async () => {
    const runner = new FakeRunner(() => ({ status: 2, stderr: "invalid type 'snap'\n" }));
    await expect(new Zfs(runner).list({ properties: [] })).rejects.toThrow(/invalid type 'snap'/);
  });

  it('tells a missing dataset from a failing zfs', async () => {
    const missing = new FakeRunner(() => ({ status: 1, stderr: "cannot open 'tank/x': dataset does not exist\n" }));
    expect(await new Zfs(missing).exists('tank/x')).toBe(false);
    const broken = new FakeRunner(() => ({ status: 1, stderr: 'internal error: out of memory\n' }));
    await expect(new Zfs(broken).exists('tank/x')).rejects.toBeInstanceOf(SystemCommandError);
  });

  it('reads user properties, unset ones as undefined', async () => {
    const runner = new FakeRunner((argv) => ({
      stdout: argv.includes('com.x:unset') ? 'tank/a\tcom.x:unset\t-\t-\n' : 'tank/a\torg.opensolaris.libbe:uuid\tabc\tlocal\n',
    }));
    const zfs = new Zfs(runner);
    expect(await zfs.getProperty('tank/a', 'org.opensolaris.libbe:uuid')).toBe('abc');
    expect(await zfs.getProperty('tank/a', 'com.x:unset')).toBeUndefined();
  });

  it('never asks zfs get about every dataset when given no names', async () => {
    const runner = new FakeRunner();
    expect((await new Zfs(runner).get([], ['guid'])).size).toBe(0);
    expect(runner.calls).toEqual([]);
  });

  it('names the command when its output cannot be read', async () => {
    const runner = new FakeRunner(() => ({ stdout: 'garbage without tabs\n' }));
    await expect(new Zfs(runner).get(['tank'], ['guid'])).rejects.toThrow(/^zfs get -Hp .*unexpected output/);
  });

  it('under --dry-run runs reads and records changes without running them', async () => {
    const runner = new FakeRunner(() => ({ stdout: 'tank\n' }), true);
    const zfs = new Zfs(runner);
    await zfs.destroy('tank/x');
    expect(await zfs.exists('tank')).toBe(true);
    expect(runner.calls).toEqual([
      { argv: ['zfs', 'destroy', 'tank/x'], mutates: true },
      { argv: ['zfs', 'list', '-H', '-o', 'name', 'tank'], mutates: false },
    ]);
  });
});

describe('zfs output parsers', () => {
  it('reads -H rows, a TAB inside the last column kept', () => {
    expect(parseListOutput('a\tx\ty\n', ['name', 'com.x:note'])).toEqual([{ name: 'a', 'com.x:note': 'x\ty' }]);
    expect(() => parseListOutput('a\n', ['name', 'guid'])).toThrow(/expected 2 fields/);
  });

  it('reads zfs get -Hp output, inherited sources included', () => {
    const table = parseGetOutput('t/b@s\torg.opensolaris.libbe:uuid\tabc\tinherited from t/b\nt/b\tmounted\tyes\t-\n');
    expect(table.get('t/b@s')?.get('org.opensolaris.libbe:uuid')).toEqual({ value: 'abc', source: 'inherited from t/b' });
    expect(table.get('t/b')?.get('mounted')?.value).toBe('yes');
    expect(userPropertyValue({ value: '-', source: 'local' })).toBe('-');
  });

  it('reads zpool get without -H (as zfs-fuse prints it)', () => {
    const out = 'NAME   PROPERTY  VALUE           SOURCE\nptest  bootfs    ptest/ROOT/be2  local\n';
    expect(parseZpoolGet(out, 'bootfs')).toBe('ptest/ROOT/be2');
    expect(parseZpoolGet('NAME PROPERTY VALUE SOURCE\nptest bootfs - default\n', 'bootfs')).toBeUndefined();
  });
});
