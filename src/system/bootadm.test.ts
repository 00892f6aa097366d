import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { inBootArchive, parseRamdiskFilelist, updateBootArchive } from './bootadm.js';

describe('bootadm', () => {
  it('rebuilds the archive of an alternate root, as a change', async () => {
    const runner = new FakeRunner();
    await updateBootArchive(runner, '/a');
    expect(runner.calls).toEqual([{ argv: ['bootadm', 'update-archive', '-R', '/a'], mutates: true }]);
  });

  it('tells boot-archive paths from others using filelist.ramdisk', () => {
    const filelist = parseRamdiskFilelist('# ramdisk contents\netc/system\nkernel\n\nplatform/i86pc/kernel/\netc/name_to_major  # drivers\n');
    expect(filelist).toEqual(['etc/system', 'kernel', 'platform/i86pc/kernel', 'etc/name_to_major']);
    expect(inBootArchive('/etc/system', filelist)).toBe(true);
    expect(inBootArchive('kernel/drv/e1000g.conf', filelist)).toBe(true);
    expect(inBootArchive('etc/system.old', filelist)).toBe(false);
    expect(inBootArchive('kernelx/a', filelist)).toBe(false);
    expect(inBootArchive('etc/hosts', filelist)).toBe(false);
  });
});
