/**
 * Which pristine snapshot the running BE stands on (issue 6 "Bad input"), on the directory
 * backend so it runs anywhere: init takes the running BE's origin; a running BE cloned from
 * a snapshot outside the chain is refused with one line, exit 2, nothing changed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirZfsStore } from '../../src/pipeline/dir-zfs-store.js';
import { runIn } from '../run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'preupd-running-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const storeDir = join(work, 'store');
const root = join(work, 'root');
mkdirSync(storeDir);
const store = new DirZfsStore(storeDir);
store.create('p', { mountpoint: join(work, 'pool') });
store.create('p/ROOT', { mountpoint: join(work, 'roots') });
store.create('p/ROOT/be0', {});
writeFileSync(join(work, 'roots/be0/motd'), 'hello\n');
store.snapshot('p/ROOT/be0@install', false);
store.snapshot('p/ROOT/be0@other', false);
// be1, a clone of be0@install, is the running system (mounted on the root path).
store.clone('p/ROOT/be0@install', 'p/ROOT/be1', { mountpoint: root });
store.save();
const config = join(work, 'preupd.conf');
writeFileSync(config, JSON.stringify({ pool: 'p', beContainer: 'p/ROOT', stateDataset: 'p/preupd', stateMountpoint: join(work, 'state') }));
const env = { PREUPD_CONFIG: config, PREUPD_ROOT: root, PREUPD_DIR_ZFS: storeDir, PREUPD_BEADM: join(work, 'no-beadm'), PATH: process.env.PATH };

describe('the running BE and its pristine base', () => {
  it('init without --base-snapshot adopts the running BE and its origin', async () => {
    const init = await runIn(work, ['init'], '', env);
    expect([init.status, init.stderr]).toEqual([0, '']);
    expect(init.stdout).toMatch(/^adopted be1, pristine base p\/ROOT\/be0@install$/m);
  });

  it('a running BE cloned from a snapshot outside the chain: exit 2, one line, nothing made', async () => {
    const again = new DirZfsStore(storeDir);
    again.unmount('p/ROOT/be1');
    again.inherit('p/ROOT/be1', 'mountpoint');
    again.clone('p/ROOT/be0@other', 'p/ROOT/stray', { mountpoint: root });
    again.save();
    const before = again.names();
    const stage = await runIn(work, ['stage'], '', env);
    expect([stage.status, stage.stderr]).toEqual([
      2,
      'preupd: p/ROOT/stray: the running root is not a clone of any known pristine snapshot (see `preupd status`; `preupd init --base-snapshot`)\n',
    ]);
    expect(new DirZfsStore(storeDir).names()).toEqual(before);
  });
});
