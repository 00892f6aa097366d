/**
 * The update cycle on the directory backend (no zfs needed, fast): pool `p`, `p/ROOT/be0`
 * "running" on the live root path with its install snapshot, the stand-ins without beadm,
 * and an update for the stand-in pkg. `boot` does what booting does as preupd sees it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { DirZfsStore } from '../../src/pipeline/dir-zfs-store.js';
import type { PreupdState } from '../../src/pipeline/state.js';
import { standInEnv } from '../fixtures/stand-ins.js';
import { runIn, type CliRun } from '../run-cli.js';

export interface DirCycle {
  readonly work: string;
  readonly live: string;
  readonly stateDir: string;
  readonly storeDir: string;
  readonly env: NodeJS.ProcessEnv;
  preupd(...args: string[]): Promise<CliRun>;
  /** Runs preupd and expects exit 0 with nothing on stderr. */
  ok(...args: string[]): Promise<CliRun>;
  /** The next stand-in `pkg update` writes `text` at `path`. */
  update(path: string, text: string): void;
  /** `to` is mounted on the live root path; the BE running until now moves aside. */
  boot(to: string): void;
  /** Changes the pool as the admin would with zfs or beadm, by hand. */
  pool(change: (store: DirZfsStore) => void): void;
  names(): string[];
  state(): PreupdState;
  /** state.json as text; undefined when there is none. */
  stateText(): string | undefined;
  cleanup(): void;
}

export function dirCycle(label: string): DirCycle {
  const work = mkdtempSync(join(tmpdir(), `preupd-${label}-`));
  const storeDir = join(work, 'store');
  mkdirSync(storeDir);
  const store = new DirZfsStore(storeDir);
  store.create('p', { mountpoint: join(work, 'pool') });
  mkdirSync(join(work, 'pool/boot/grub'), { recursive: true });
  store.create('p/ROOT', { mountpoint: join(work, 'roots') });
  store.create('p/ROOT/be0', {});
  store.setPoolProperty('bootfs', 'p/ROOT/be0');
  const live = join(work, 'roots/be0');
  mkdirSync(join(live, 'etc'), { recursive: true });
  writeFileSync(join(live, 'etc/motd'), 'hello\n');
  store.snapshot('p/ROOT/be0@install', false);
  store.save();
  const config = join(work, 'preupd.conf');
  const stateDir = join(work, 'state');
  writeFileSync(config, JSON.stringify({ pool: 'p', beContainer: 'p/ROOT', stateDataset: 'p/preupd', stateMountpoint: stateDir }));
  const updateDir = join(work, 'update');
  const env = standInEnv(join(work, 'calls.log'), {
    PREUPD_CONFIG: config, PREUPD_ROOT: live, PREUPD_DIR_ZFS: storeDir, PREUPD_BEADM: join(work, 'no-beadm'),
    PREUPD_FAKE_PKG_UPDATE: updateDir, PREUPD_FINISH_COMMAND: '/usr/bin/preupd',
  });
  let running = 'be0';
  const preupd = (...args: string[]) => runIn(work, args, '', env);
  const pool = (change: (store: DirZfsStore) => void) => {
    const now = new DirZfsStore(storeDir);
    change(now);
    now.save();
  };
  return {
    work, live, stateDir, storeDir, env, preupd, pool,
    async ok(...args) {
      const run = await preupd(...args);
      expect([run.status, run.stderr]).toEqual([0, '']);
      return run;
    },
    update(path, text) {
      mkdirSync(dirname(join(updateDir, path)), { recursive: true });
      writeFileSync(join(updateDir, path), text);
    },
    boot(to) {
      pool((st) => {
        st.set(`p/ROOT/${running}`, 'mountpoint', `${live}-${running}`);
        st.set(`p/ROOT/${to}`, 'mountpoint', live);
        if (st.property(`p/ROOT/${to}`, 'mounted').value !== 'yes') st.mount(`p/ROOT/${to}`);
      });
      running = to;
    },
    names: () => new DirZfsStore(storeDir).names(),
    state: () => JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as PreupdState,
    stateText: () => (existsSync(join(stateDir, 'state.json')) ? readFileSync(join(stateDir, 'state.json'), 'utf8') : undefined),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}
