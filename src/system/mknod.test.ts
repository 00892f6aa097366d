import { existsSync, lstatSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { createNodeMaker, mknodArgs, splitDevice } from './mknod.js';
import { createProcessRunner } from './process-runner.js';

// Helpers: how each platform packs a device number (references for the splits).
/** illumos, 64-bit dev_t: sys/mkdev.h NBITSMINOR64 = 32. */
const illumosDev = (major: bigint, minor: bigint) => (major << 32n) | minor;
/** glibc's gnu_dev_makedev (bits/sysmacros.h). */
const glibcDev = (major: bigint, minor: bigint) =>
  ((major & 0xfffff000n) << 32n) | ((major & 0xfffn) << 8n) | ((minor & 0xffffff00n) << 12n) | (minor & 0xffn);
const u32Arb = fc.bigInt({ min: 0n, max: 0xffffffffn });

describe('mknod argv', () => {
  it('is `mknod PATH p` for a FIFO, whatever the number', () => {
    expect(mknodArgs('/t/etc/pipe', 'P', 0x103n, 'linux')).toEqual(['/t/etc/pipe', 'p']);
  });

  it('is `mknod PATH b|c MAJOR MINOR` in decimal for devices', () => {
    expect(mknodArgs('/t/etc/null', 'C', 0x103n, 'linux')).toEqual(['/t/etc/null', 'c', '1', '3']);
    expect(mknodArgs('/t/dsk', 'B', illumosDev(182n, 65_536n), 'sunos')).toEqual(['/t/dsk', 'b', '182', '65536']);
  });

  it('runs through the runner as one mutating command, named mknod', async () => {
    const runner = new FakeRunner();
    const maker = createNodeMaker(runner, 'linux')!;
    await maker.make('/t/a b', 'P', 0n);
    await maker.make('/t/null', 'C', glibcDev(1n, 3n));
    await maker.make('/t/disk', 'B', glibcDev(259n, 300n));
    expect(runner.calls).toEqual([
      { argv: ['mknod', '/t/a b', 'p'], mutates: true },
      { argv: ['mknod', '/t/null', 'c', '1', '3'], mutates: true },
      { argv: ['mknod', '/t/disk', 'b', '259', '300'], mutates: true },
    ]);
    expect(maker.dryRun).toBe(false);
  });

  it('under --dry-run prints the exact command and makes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-mknod-'));
    const lines: string[] = [];
    const maker = createNodeMaker(createProcessRunner({ dryRun: true, onCommand: (line) => lines.push(line) }), 'linux')!;
    await maker.make(`${dir}/null`, 'C', glibcDev(1n, 3n));
    expect([maker.dryRun, lines]).toEqual([true, [`mknod ${dir}/null c 1 3`]]);
    expect(existsSync(`${dir}/null`)).toBe(false);
  });

  it('makes nothing on a platform whose device numbers it does not know', () => {
    expect(createNodeMaker(new FakeRunner(), 'darwin')).toBeUndefined();
    expect(() => splitDevice(0x103n, 'darwin')).toThrow('device numbers of darwin are not known');
  });
});

describe('splitting st_rdev', () => {
  it('illumos: major is the high 32 bits, minor the low 32 bits', () => {
    expect(splitDevice(illumosDev(13n, 2n), 'sunos')).toEqual({ major: 13n, minor: 2n });
    expect(splitDevice(0xfffffffe_00000001n, 'sunos')).toEqual({ major: 0xfffffffen, minor: 1n });
  });

  it('Linux: glibc packing, with majors past 12 bits and minors past 8 bits', () => {
    expect(splitDevice(0x103n, 'linux')).toEqual({ major: 1n, minor: 3n });
    expect(splitDevice(0x11032cn, 'linux')).toEqual({ major: 259n, minor: 300n });
  });

  it('Linux: /dev/null as lstat reports it is 1, 3', () => {
    expect(splitDevice(lstatSync('/dev/null', { bigint: true }).rdev, 'linux')).toEqual({ major: 1n, minor: 3n });
  });

  it('gives back any 32-bit major and minor packed by either platform', () => {
    fc.assert(fc.property(u32Arb, u32Arb, (major, minor) => {
      expect(splitDevice(illumosDev(major, minor), 'sunos')).toEqual({ major, minor });
      expect(splitDevice(glibcDev(major, minor), 'linux')).toEqual({ major, minor });
    }));
  });
});
