import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../test/fixtures/fake-runner.js';
import { BeadmBootEnvironments } from './beadm.js';
import { parseBeadmList } from './beadm-parse.js';

describe('beadm list -H', () => {
  it('reads the C beadm format (empty fields), as in beadm.8', () => {
    const out = 'BE2;;;;55296;static;1211397974\nBE5;215b8387-4968-627c-d2d0-f4a011414bab;NR;/;7786206208;static;1221004384\n';
    expect(parseBeadmList(out)).toEqual([
      { name: 'BE2', activeNow: false, activeOnReboot: false, activeTemporarily: false, space: 55296, policy: 'static', created: 1211397974 },
      {
        name: 'BE5',
        uuid: '215b8387-4968-627c-d2d0-f4a011414bab',
        activeNow: true,
        activeOnReboot: true,
        activeTemporarily: false,
        mountpoint: '/',
        space: 7786206208,
        policy: 'static',
        created: 1221004384,
      },
    ]);
  });

  it('reads the Python beadm format (`-` for missing) the same way', () => {
    const c = parseBeadmList('opensolaris-1;;R;;4096;static;1270669633\n');
    const python = parseBeadmList('opensolaris-1;-;R;-;4096;static;1270669633\n');
    expect(python).toEqual(c);
    expect(parseBeadmList('be;-;T;-;1;static;2\n')[0]?.activeTemporarily).toBe(true);
  });

  it('refuses lines it cannot read', () => {
    expect(() => parseBeadmList('BE2;;;55296;static;1211397974\n')).toThrow(/expected 7/);
    expect(() => parseBeadmList('BE2;;X;;1;static;1\n')).toThrow(/unknown active flags/);
  });
});

describe('beadm commands', () => {
  it('uses the command lines the 2010 Python beadm also accepts', async () => {
    const runner = new FakeRunner();
    const bes = new BeadmBootEnvironments(runner);
    await bes.create('preupd-0002', { be: 'opensolaris', snapshot: 'preupd-pristine-0002' }, 'preupd update 2026-12-04');
    await bes.mount('preupd-0002', '/a');
    await bes.unmount('preupd-0002');
    await bes.activate('preupd-0002');
    await bes.destroy('preupd-0001');
    expect(runner.lines()).toEqual([
      'beadm create -e opensolaris@preupd-pristine-0002 -d preupd update 2026-12-04 preupd-0002',
      'beadm mount preupd-0002 /a',
      'beadm unmount preupd-0002',
      'beadm activate preupd-0002',
      'beadm',
      'beadm destroy -Fs preupd-0001',
    ]);
    expect(runner.calls.filter((call) => call.argv.length > 1).every((call) => call.mutates)).toBe(true);
  });

  it('destroys with -s where beadm.c says so, without it for the 2010 Python beadm, asking once', async () => {
    const usage = (destroy: string) => new FakeRunner((argv) => (argv.length === 1 ? { status: 1, stderr: `Usage:\n\tbeadm destroy ${destroy}\n` } : undefined));
    const modern = usage('[-Ffsv] beName \n\tbeadm destroy [-Fv] beName@snapshot');
    const python = usage('[-fF] beName | beName@snapshot');
    for (const runner of [modern, python]) {
      const bes = new BeadmBootEnvironments(runner);
      await bes.destroy('preupd-0002');
      await bes.destroy('preupd-0003');
    }
    expect(modern.lines()).toEqual(['beadm', 'beadm destroy -Fs preupd-0002', 'beadm destroy -Fs preupd-0003']);
    expect(python.lines()).toEqual(['beadm', 'beadm destroy -F preupd-0002', 'beadm destroy -F preupd-0003']);
  });

  it('names beadm when its list output is unreadable', async () => {
    const runner = new FakeRunner(() => ({ stdout: 'not a list\n' }));
    await expect(new BeadmBootEnvironments(runner).list()).rejects.toThrow(/^beadm list -H: exit 0: unexpected output/);
  });
});
