import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { withSnapshotView } from './snapshot-view.js';
import { Zfs } from './zfs.js';

let mountpoint: string;
beforeAll(async () => {
  mountpoint = await mkdtemp(join(tmpdir(), 'preupd-view-test-'));
  await mkdir(join(mountpoint, '.zfs', 'snapshot', 'reachable'), { recursive: true });
});
afterAll(async () => {
  await rm(mountpoint, { recursive: true, force: true });
});

/** zfs answering for rpool/ROOT/be mounted at `mountpoint`; the clone shows up once created. */
function fakeZfs(dryRun = false): FakeRunner {
  let cloned = false;
  return new FakeRunner((argv) => {
    if (argv[1] === 'clone') cloned = true;
    if (argv[1] === 'get' && argv.at(-1) === 'rpool/ROOT/be') {
      return { stdout: `rpool/ROOT/be\tmountpoint\t${mountpoint}\tlocal\nrpool/ROOT/be\tmounted\tyes\t-\n` };
    }
    if (argv[1] === 'get') return { stdout: `${argv.at(-1)}\tmounted\tyes\t-\n` };
    if (argv[1] === 'list') return cloned ? { stdout: `${argv.at(-1)}\n` } : { status: 1, stderr: 'dataset does not exist' };
    return undefined;
  }, dryRun);
}

describe('withSnapshotView', () => {
  it('reads through .zfs/snapshot when it is reachable, without any clone', async () => {
    const runner = fakeZfs();
    const seen = await withSnapshotView(new Zfs(runner), 'rpool/ROOT/be@reachable', async (root) => root);
    expect(seen).toBe(join(mountpoint, '.zfs', 'snapshot', 'reachable'));
    expect(runner.calls.some((call) => call.mutates)).toBe(false);
  });

  it('falls back to a read-only clone, destroyed even when the reader throws', async () => {
    const runner = fakeZfs();
    let root = '';
    const failure = withSnapshotView(new Zfs(runner), 'rpool/ROOT/be@hidden', async (dir) => {
      root = dir;
      throw new Error('reader failed');
    });
    await expect(failure).rejects.toThrow('reader failed');
    const clone = `rpool/preupd-view-${process.pid}-1`;
    expect(runner.lines()).toEqual([
      'zfs get -Hp -o name,property,value,source mountpoint,mounted rpool/ROOT/be',
      `zfs clone -o readonly=on -o canmount=on -o mountpoint=${root} rpool/ROOT/be@hidden ${clone}`,
      `zfs get -Hp -o name,property,value,source mounted ${clone}`,
      `zfs list -H -o name ${clone}`,
      `zfs destroy -f ${clone}`,
    ]);
  });

  it('under --dry-run makes no clone: an unreachable snapshot is an error, a reachable one is read', async () => {
    const runner = fakeZfs(true);
    const zfs = new Zfs(runner);
    await expect(withSnapshotView(zfs, 'rpool/ROOT/be@hidden', async () => 0)).rejects.toThrow(/a dry run makes no temporary clone/);
    expect(await withSnapshotView(zfs, 'rpool/ROOT/be@reachable', async (root) => root)).toBe(join(mountpoint, '.zfs', 'snapshot', 'reachable'));
    expect(runner.lines().filter((line) => !line.startsWith('zfs get'))).toEqual([]);
  });

  it('refuses a name that is not a snapshot', async () => {
    await expect(withSnapshotView(new Zfs(new FakeRunner()), 'rpool/ROOT/be', async () => 0)).rejects.toThrow(/not a snapshot/);
  });
});
