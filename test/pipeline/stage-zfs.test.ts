import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zfsUnusableReason } from '../fixtures/zfs-pool.js';
import { createCycle, writeTree, type Cycle } from './cycle-fixture.js';

const unusable = zfsUnusableReason();

describe.skipIf(unusable !== undefined)(`stage without beadm, on real zfs ${unusable ?? ''}`, () => {
  let c: Cycle;
  beforeAll(() => {
    c = createCycle('stage', { beadm: false });
  });
  afterAll(() => c?.cleanup());

  it('init adopts be0@install, stage makes preupd-0002 with the update and the admin edit', async () => {
    const init = await c.preupd('init', '--base-snapshot', `${c.container}/be0@install`);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    writeFileSync(join(c.live, 'etc/hosts'), '127.0.0.1 localhost\n10.0.0.2 nas\n');
    writeTree(c.updateDir, { 'etc/motd': 'Welcome to OpenIndiana\n', 'usr/bin/newtool': 'new\n' });
    const stage = await c.preupd('stage');
    expect(stage.stderr).toBe('');
    expect(stage.status).toBe(0);
    expect(stage.stdout).toMatch(/staged preupd-0002/);
    const mnt = join(c.live, '..', 'check');
    c.zfs('set', `mountpoint=${mnt}`, `${c.container}/preupd-0002`);
    c.zfs('mount', `${c.container}/preupd-0002`);
    try {
      expect(readFileSync(join(mnt, 'etc/hosts'), 'utf8')).toContain('10.0.0.2 nas');
      expect(readFileSync(join(mnt, 'etc/motd'), 'utf8')).toBe('Welcome to OpenIndiana\n');
      expect(existsSync(join(mnt, 'var/svc/manifest/site/preupd-finish.xml'))).toBe(true);
    } finally {
      c.zfs('unmount', `${c.container}/preupd-0002`);
    }
  }, 120_000);
});
