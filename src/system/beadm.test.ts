import { describe, expect, it } from 'vitest';
import { FakeRunner, type FakeResponder } from '../../test/fixtures/fake-runner.js';
import { BeadmBootEnvironments } from './beadm.js';
import { parseBeadmList } from './beadm-parse.js';
import type { Runner } from './runner.js';
import { Zfs } from './zfs.js';

const beadm = (runner: Runner) => new BeadmBootEnvironments(new Zfs(runner), runner, { pool: 'rpool', container: 'rpool/ROOT' });
const MISSING = { status: 1, stderr: "cannot open 'x': dataset does not exist\n" };

/**
 * A pool as `zfs list -H -o name` and `zfs get` see it: file systems with their origin
 * (undefined: not a clone) and user properties; anything else missing. beadm's usage is the C one.
 */
function pool(datasets: Record<string, { origin?: string; props?: Record<string, string> }>): FakeResponder {
  return (argv) => {
    const [command, sub] = argv;
    const name = argv.at(-1)!;
    if (command === 'beadm' && argv.length === 1) return { status: 1, stderr: 'usage:\n\tbeadm destroy [-Ffsv] beName \n' };
    if (command !== 'zfs' || (sub !== 'list' && sub !== 'get')) return undefined;
    const dataset = datasets[name];
    if (dataset === undefined) return MISSING;
    if (sub === 'list') return { stdout: `${name}\n` };
    const property = argv.at(-2)!;
    const user = dataset.props?.[property];
    const value = property === 'origin' ? [dataset.origin ?? '-', '-'] : user === undefined ? ['-', '-'] : [user, 'local'];
    return { stdout: `${name}\t${property}\t${value.join('\t')}\n` };
  };
}

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
    const bes = beadm(runner);
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
      'zfs list -H -o name rpool/ROOT/preupd-0001',
      'zfs get -Hp -o name,property,value,source origin rpool/ROOT/preupd-0001',
      'beadm destroy -Fs preupd-0001',
    ]);
    expect(runner.calls.filter((call) => call.argv[0] === 'beadm' && call.argv.length > 1).every((call) => call.mutates)).toBe(true);
  });

  it('destroys with -s where beadm.c says so, without it for the 2010 Python beadm, asking once', async () => {
    const usage = (destroy: string) => new FakeRunner((argv) => (argv.length === 1 ? { status: 1, stderr: `Usage:\n\tbeadm destroy ${destroy}\n` } : undefined));
    const modern = usage('[-Ffsv] beName \n\tbeadm destroy [-Fv] beName@snapshot');
    const python = usage('[-fF] beName | beName@snapshot');
    for (const runner of [modern, python]) {
      const bes = beadm(runner);
      await bes.destroy('preupd-0002');
      await bes.destroy('preupd-0003');
    }
    const beadmLines = (runner: FakeRunner) => runner.lines().filter((line) => line.startsWith('beadm'));
    expect(beadmLines(modern)).toEqual(['beadm', 'beadm destroy -Fs preupd-0002', 'beadm destroy -Fs preupd-0003']);
    expect(beadmLines(python)).toEqual(['beadm', 'beadm destroy -F preupd-0002', 'beadm destroy -F preupd-0003']);
  });

  it('names beadm when its list output is unreadable', async () => {
    const runner = new FakeRunner(() => ({ stdout: 'not a list\n' }));
    await expect(beadm(runner).list()).rejects.toThrow(/^beadm list -H: exit 0: unexpected output/);
  });

  describe('destroy keeps the origin snapshot, which libbe would destroy once nothing else is cloned from it', () => {
    const KEEP = 'rpool/preupd-keep-origin';
    const ORIGIN = 'rpool/ROOT/opensolaris@preupd-pristine-0002';
    const KEEPING = [
      'beadm',
      'zfs list -H -o name rpool/ROOT/preupd-0003',
      'zfs get -Hp -o name,property,value,source origin rpool/ROOT/preupd-0003',
      `zfs list -H -o name ${KEEP}`,
      `zfs clone -o canmount=off -o org.preupd:keep-origin=${ORIGIN} ${ORIGIN} ${KEEP}`,
      'beadm destroy -Fs preupd-0003',
      `zfs destroy ${KEEP}`,
    ];

    it('gives the root origin another clone, outside the BE container, for the time of beadm destroy', async () => {
      const runner = new FakeRunner(pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN } }));
      await beadm(runner).destroy('preupd-0003');
      expect(runner.lines()).toEqual(KEEPING);
      expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.slice(0, 2).join(' '))).toEqual(['zfs clone', 'beadm destroy', 'zfs destroy']);
    });

    it('prints the same commands under --dry-run, reading what is there', async () => {
      const runner = new FakeRunner(pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN } }), true);
      await beadm(runner).destroy('preupd-0003');
      expect(runner.lines()).toEqual(KEEPING);
    });

    it('under --dry-run goes by the origin a printed promotion would have given the root', async () => {
      const planned = 'rpool/ROOT/preupd-0004@preupd-pristine-0003';
      const runner = new FakeRunner(pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN } }), true);
      await beadm(runner).destroy('preupd-0003', { plannedOrigin: planned });
      expect(runner.lines()).toEqual([
        'beadm',
        `zfs list -H -o name ${KEEP}`,
        `zfs clone -o canmount=off -o org.preupd:keep-origin=${planned} ${planned} ${KEEP}`,
        'beadm destroy -Fs preupd-0003',
        `zfs destroy ${KEEP}`,
      ]);
      // A real run reads the origin: the promotion was made.
      const real = new FakeRunner(pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN } }));
      await beadm(real).destroy('preupd-0003', { plannedOrigin: planned });
      expect(real.lines()).toEqual(KEEPING);
    });

    it('needs nothing for a BE cloned from nothing, nor for one that does not exist (beadm says so)', async () => {
      const runner = new FakeRunner(pool({ 'rpool/ROOT/opensolaris': {} }));
      const bes = beadm(runner);
      await bes.destroy('opensolaris');
      await bes.destroy('gone');
      expect(runner.calls.filter((call) => call.mutates).map((call) => call.argv.join(' '))).toEqual(['beadm destroy -Fs opensolaris', 'beadm destroy -Fs gone']);
    });

    it('removes a keeper left by a destroy that was killed first', async () => {
      const runner = new FakeRunner(pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN }, [KEEP]: { origin: ORIGIN, props: { 'org.preupd:keep-origin': ORIGIN } } }));
      await beadm(runner).destroy('preupd-0003');
      expect(runner.lines()).toEqual([
        ...KEEPING.slice(0, 4),
        `zfs get -Hp -o name,property,value,source org.preupd:keep-origin ${KEEP}`,
        `zfs destroy ${KEEP}`,
        ...KEEPING.slice(4),
      ]);
    });

    it('refuses a dataset of that name preupd did not make, before beadm runs', async () => {
      const runner = new FakeRunner(pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN }, [KEEP]: {} }));
      await expect(beadm(runner).destroy('preupd-0003')).rejects.toThrow(`${KEEP}: exists but was not made by preupd (no org.preupd:keep-origin): destroy or rename it`);
      expect(runner.calls.filter((call) => call.mutates)).toEqual([]);
    });

    it('destroys the keeper also when beadm destroy fails, and reports the beadm failure', async () => {
      const respond = pool({ 'rpool/ROOT/preupd-0003': { origin: ORIGIN } });
      const runner = new FakeRunner((argv) => (argv[1] === 'destroy' && argv[0] === 'beadm' ? { status: 1, stderr: 'beadm: Unable to destroy preupd-0003.\n' } : respond(argv)));
      await expect(beadm(runner).destroy('preupd-0003')).rejects.toThrow(/^beadm destroy -Fs preupd-0003: exit 1: beadm: Unable to destroy/);
      expect(runner.lines().slice(-2)).toEqual(['beadm destroy -Fs preupd-0003', `zfs destroy ${KEEP}`]);
    });
  });
});
