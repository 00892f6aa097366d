/**
 * What `preupd init` checks before it adopts anything, on the directory backend: the state
 * dataset is mounted where the configuration says, the base is a snapshot the running BE
 * descends from, a staged BE is adopted by boot-finish, not init; and the state directory
 * is root's only.
 */
import { existsSync, readdirSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dirCycle, type DirCycle } from './dir-cycle.js';

let c: DirCycle;
afterEach(() => c?.cleanup());

async function ok(...args: string[]): Promise<string> {
  const run = await c.preupd(...args);
  expect([run.status, run.stderr]).toEqual([0, '']);
  return run.stdout;
}

describe('init and the state dataset', () => {
  it('refuses a state dataset mounted elsewhere, naming it, and writes nothing', async () => {
    c = dirCycle('init-elsewhere');
    const elsewhere = join(c.work, 'elsewhere');
    c.pool((store) => store.create('p/preupd', { mountpoint: elsewhere }));
    const init = await c.preupd('init', '--base-snapshot', 'p/ROOT/be0@install');
    expect([init.status, init.stderr]).toEqual([2, `preupd: p/preupd: mountpoint is ${elsewhere}, not the configured ${c.stateDir}: \`zfs set mountpoint=${c.stateDir} p/preupd\`\n`]);
    expect(existsSync(c.stateDir)).toBe(false);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses a state dataset that is not mounted, saying how; once mounted, init adopts', async () => {
    c = dirCycle('init-unmounted');
    c.pool((store) => store.create('p/preupd', { mountpoint: c.stateDir, canmount: 'noauto' }));
    const init = await c.preupd('init', '--base-snapshot', 'p/ROOT/be0@install');
    expect([init.status, init.stderr]).toEqual([2, `preupd: p/preupd: not mounted on ${c.stateDir}: \`zfs mount p/preupd\`\n`]);
    expect(c.stateText()).toBeUndefined();
    c.pool((store) => store.mount('p/preupd'));
    expect(await ok('init', '--base-snapshot', 'p/ROOT/be0@install')).toMatch(/^adopted be0, pristine base p\/ROOT\/be0@install$/m);
  });

  it('makes the state directory root\'s only (0700), printed under --dry-run, and keeps it so', async () => {
    c = dirCycle('init-mode');
    const dry = await ok('init', '--dry-run', '--base-snapshot', 'p/ROOT/be0@install');
    expect(dry).toBe(
      `+ zfs create -o mountpoint=${c.stateDir} p/preupd\n# ${c.stateDir}: mode 700\ndry run: be0 would be adopted, pristine base p/ROOT/be0@install; nothing was changed\n`,
    );
    expect(existsSync(c.stateDir)).toBe(false);
    await ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    expect(await ok('init', '--dry-run', '--base-snapshot', 'p/ROOT/be0@install')).toBe('already initialised: be0 on p/ROOT/be0@install\n');
    expect(statSync(c.stateDir).mode & 0o7777).toBe(0o700);
    expect(await ok('init')).toBe('already initialised: be0 on p/ROOT/be0@install\n');
    // A state directory made 0755 by an earlier preupd: init repairs it, saying so.
    chmodSync(c.stateDir, 0o755);
    expect(await ok('init')).toBe(`# ${c.stateDir}: mode 700\nalready initialised: be0 on p/ROOT/be0@install\n`);
    expect(statSync(c.stateDir).mode & 0o7777).toBe(0o700);
  });
});

describe('the base init adopts', () => {
  it('refuses a snapshot of the chain that the running BE does not descend from', async () => {
    c = dirCycle('init-not-ancestor');
    await ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    c.update('etc/motd', 'v2\n');
    await ok('stage');
    const state = c.stateText();
    const init = await c.preupd('init', '--base-snapshot', 'p/ROOT/preupd-0002@preupd-pristine-0002');
    expect([init.status, init.stderr]).toEqual([
      2,
      'preupd: p/ROOT/preupd-0002@preupd-pristine-0002: be0 does not descend from it (neither its own snapshot nor on its origin chain)\n',
    ]);
    expect(c.stateText()).toBe(state);
  });

  it('takes a snapshot on the origin chain or older there, and refuses a later sibling, on a fresh system', async () => {
    c = dirCycle('init-origin-chain');
    // be2 runs, a clone of be1@mid, itself a clone of be0@install; be0@later came after install,
    // be1@early before mid (beadm create clones a fresh snapshot: the pristine one is older).
    c.pool((store) => {
      store.snapshot('p/ROOT/be0@later', false);
      store.clone('p/ROOT/be0@install', 'p/ROOT/be1', {});
      store.snapshot('p/ROOT/be1@early', false);
      store.snapshot('p/ROOT/be1@mid', false);
      store.snapshot('p/ROOT/be1@after', false);
      store.set('p/ROOT/be0', 'mountpoint', `${c.live}-be0`);
      store.clone('p/ROOT/be1@mid', 'p/ROOT/be2', { mountpoint: c.live });
    });
    for (const later of ['p/ROOT/be0@later', 'p/ROOT/be1@after']) {
      const sibling = await c.preupd('init', '--base-snapshot', later);
      expect([sibling.status, sibling.stderr]).toEqual([2, `preupd: ${later}: be2 does not descend from it (neither its own snapshot nor on its origin chain)\n`]);
    }
    expect(c.stateText()).toBeUndefined();
    expect(await ok('init', '--dry-run', '--base-snapshot', 'p/ROOT/be1@early')).toMatch(/^dry run: be2 would be adopted, pristine base p\/ROOT\/be1@early; nothing was changed$/m);
    expect(await ok('init', '--base-snapshot', 'p/ROOT/be0@install')).toMatch(/^adopted be2, pristine base p\/ROOT\/be0@install$/m);
  });

  it('finds a base that activation moved to the new BE under its new name', async () => {
    c = dirCycle('init-promoted');
    await ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    c.update('etc/motd', 'v2\n');
    // Activation promotes preupd-0002: be0@install is now preupd-0002@install, be0's origin.
    await ok('stage', '--activate');
    expect(await ok('init', '--base-snapshot', 'p/ROOT/preupd-0002@install')).toBe('already initialised: be0 on p/ROOT/preupd-0002@install\n');
  });

  it('in a staged BE booted but not finished, leaves the adoption to boot-finish', async () => {
    c = dirCycle('init-unfinished');
    await ok('init', '--base-snapshot', 'p/ROOT/be0@install');
    c.update('etc/motd', 'v2\n');
    await ok('stage');
    c.boot('preupd-0002');
    const state = c.stateText();
    const init = await c.preupd('init');
    expect([init.status, init.stderr]).toEqual([2, `preupd: ${c.stateDir}: preupd-0002 was staged by preupd and is not finished: run \`preupd boot-finish\`\n`]);
    expect(c.stateText()).toBe(state);
    await ok('boot-finish');
    expect(await ok('init')).toBe('already initialised: preupd-0002 on p/ROOT/preupd-0002@preupd-pristine-0002\n');
  });
});
