import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor, InputError } from '../errors.js';
import { loadConfig, parseConfig } from './config.js';

const GOOD = {
  pool: 'rpool',
  beContainer: 'rpool/ROOT',
  stateDataset: 'rpool/preupd',
  stateMountpoint: '/var/preupd',
};

/** The one line a bad configuration gives. */
function problem(value: unknown): string {
  try {
    parseConfig(typeof value === 'string' ? value : JSON.stringify(value), '/etc/preupd.conf');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('configuration was accepted');
}

describe('preupd.conf', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'preupd-conf-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a minimal file and fills the defaults', async () => {
    const path = join(dir, 'preupd.conf');
    await writeFile(path, JSON.stringify({ ...GOOD, rulesFile: '/etc/preupd.rules' }));
    expect(await loadConfig(path)).toEqual({ ...GOOD, rulesFile: '/etc/preupd.rules', hash: 'xxh64', retention: 3, bePrefix: 'preupd' });
  });

  it('names a missing file in one line', async () => {
    const path = join(dir, 'absent.conf');
    await expect(loadConfig(path)).rejects.toThrow(`${path}: no configuration file`);
  });

  it('points at the line of a JSON syntax error', () => {
    expect(problem('{\n  "pool": "rpool",\n}\n')).toMatch(/^\/etc\/preupd\.conf:3: not valid JSON: /);
  });

  it('refuses names that are not valid ZFS names, saying why', () => {
    expect(problem({ ...GOOD, beContainer: 'rpool//ROOT' })).toBe(
      `/etc/preupd.conf: "beContainer": 'rpool//ROOT' is not a valid ZFS dataset name: empty component`,
    );
    expect(problem({ ...GOOD, stateDataset: 'rpool/pre upd' })).toContain('invalid character " "');
    expect(problem({ ...GOOD, pool: 'rpool/ROOT' })).toContain('is a dataset, not a pool');
    expect(problem({ ...GOOD, bePrefix: 'be/x' })).toContain("may not contain '/'");
  });

  it('refuses inconsistent or mistyped settings', () => {
    expect(problem([GOOD])).toContain('expected a JSON object');
    expect(problem({ ...GOOD, retension: 2 })).toContain('unknown key "retension"');
    expect(problem({ ...GOOD, beContainer: 'tank/ROOT' })).toContain("is not in pool 'rpool'");
    expect(problem({ ...GOOD, stateDataset: 'rpool/ROOT/state' })).toContain('inside the BE container');
    expect(problem({ ...GOOD, stateMountpoint: 'var/preupd' })).toContain('not an absolute path');
    expect(problem({ ...GOOD, hash: 'crc32' })).toContain('"hash" must be one of md5, sha256, xxh64');
    expect(problem({ ...GOOD, retention: 0 })).toContain('"retention" must be an integer >= 1');
    const { pool: _pool, ...noPool } = GOOD;
    expect(problem(noPool)).toContain('"pool" must be a non-empty string');
  });
});
