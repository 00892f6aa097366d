/** Bad input (issue 6): one line on stderr, exit 2, nothing changed. No zfs needed here. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIn } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'preupd-badinput-'));

describe('cycle commands on bad input', () => {
  it('a missing configuration is one line naming the file, exit 2', async () => {
    const run = await runIn(dir, ['status'], '', { PREUPD_CONFIG: join(dir, 'absent.conf') });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`preupd: ${join(dir, 'absent.conf')}: no configuration file (see spec/cli.md; \`preupd init\` needs one)\n`);
  });

  it('a configuration naming an invalid dataset is exit 2 before any command runs', async () => {
    const conf = join(dir, 'bad.conf');
    writeFileSync(conf, JSON.stringify({ pool: 'rpool', beContainer: 'rpool/RO OT', stateDataset: 'rpool/preupd', stateMountpoint: '/var/preupd' }));
    const run = await runIn(dir, ['stage', '--dry-run'], '', { PREUPD_CONFIG: conf, PREUPD_ZFS: '/nonexistent/zfs' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^preupd: .*bad\.conf: "beContainer": 'rpool\/RO OT' is not a valid ZFS dataset name: invalid character " "\n$/);
  });

  it('prune --keep 0 is a usage error', async () => {
    const run = await runIn(dir, ['prune', '--keep', '0'], '', {});
    expect([run.status, run.stderr]).toEqual([2, 'preupd: --keep must be an integer >= 1\n']);
  });
});
