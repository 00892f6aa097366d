/**
 * Every cycle command uses the state only on the state dataset mounted where the configuration
 * says (else it would read or write a plain directory of the running BE), and says "run
 * `preupd init` first" when there is none yet, whether it takes the lock or not.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dirCycle, type DirCycle } from './dir-cycle.js';

let c: DirCycle;
afterEach(() => c?.cleanup());

const COMMANDS = [['status'], ['stage'], ['stage', '--dry-run'], ['prune'], ['prune', '--dry-run'], ['boot-finish']];

/** Each command's exit status and stderr. */
async function refusals(): Promise<[string, number, string][]> {
  const runs: [string, number, string][] = [];
  for (const args of COMMANDS) {
    const run = await c.preupd(...args);
    runs.push([args.join(' '), run.status, run.stderr]);
  }
  return runs;
}

describe('the state dataset, for every cycle command', () => {
  it('before init: "run `preupd init` first", with or without the lock', async () => {
    c = dirCycle('state-before-init');
    const line = `preupd: ${c.stateDir}: no preupd state here: run \`preupd init\` first\n`;
    expect(await refusals()).toEqual(COMMANDS.map((args) => [args.join(' '), 2, line]));
  });

  it('not mounted, or mounted elsewhere: refused, naming the dataset, and nothing written in its place', async () => {
    c = dirCycle('state-unmounted');
    expect((await c.preupd('init', '--base-snapshot', 'p/ROOT/be0@install')).status).toBe(0);
    c.update('etc/motd', 'v2\n');
    // Unmounted, the mount point is a plain (empty) directory of the running system.
    c.pool((store) => store.unmount('p/preupd'));
    const unmounted = `preupd: p/preupd: not mounted on ${c.stateDir}: \`zfs mount p/preupd\`\n`;
    expect(await refusals()).toEqual(COMMANDS.map((args) => [args.join(' '), 2, unmounted]));
    expect(readdirSync(c.stateDir)).toEqual([]);
    const elsewhere = join(c.work, 'elsewhere');
    c.pool((store) => store.set('p/preupd', 'mountpoint', elsewhere));
    const moved = `preupd: p/preupd: mountpoint is ${elsewhere}, not the configured ${c.stateDir}: \`zfs set mountpoint=${c.stateDir} p/preupd\`\n`;
    expect(await refusals()).toEqual(COMMANDS.map((args) => [args.join(' '), 2, moved]));
    expect(readdirSync(c.stateDir)).toEqual([]);
  });

  it('gone: a state file left in the plain directory is not used', async () => {
    c = dirCycle('state-gone');
    expect((await c.preupd('init', '--base-snapshot', 'p/ROOT/be0@install')).status).toBe(0);
    const state = c.stateText()!;
    c.pool((store) => store.destroy('p/preupd', true));
    writeFileSync(join(c.stateDir, 'state.json'), state);
    const line = `preupd: ${c.stateDir}: no preupd state here: run \`preupd init\` first\n`;
    expect(await refusals()).toEqual(COMMANDS.map((args) => [args.join(' '), 2, line]));
  });
});
