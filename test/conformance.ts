/**
 * Runs a case of corpus/bart-conformance (see its README) against `preupd bart`: builds the
 * case's inputs with case.sh, runs `cmd` through sh with `bart` on PATH resolving to
 * bin/preupd, and returns what to compare with the expected files.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CORPUS = resolve(import.meta.dirname, '../corpus/bart-conformance');
const PREUPD = resolve(import.meta.dirname, '../bin/preupd');

export interface CaseResult {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  expected: { stdout: Buffer; stderr: Buffer; status: number };
}

export function caseNames(filter: (name: string) => boolean): string[] {
  return readdirSync(CORPUS).filter((n) => /^\d\d-/.test(n) && filter(n)).sort();
}

/** A directory holding a `bart` that runs this checkout's preupd. */
function bartShim(): string {
  const dir = mkdtempSync(join(tmpdir(), 'preupd-bart-shim-'));
  writeFileSync(join(dir, 'bart'), `#!/bin/sh\nexec node ${JSON.stringify(PREUPD)} bart "$@"\n`);
  chmodSync(join(dir, 'bart'), 0o755);
  return dir;
}

export function runCase(name: string): CaseResult {
  const caseDir = join(CORPUS, name);
  const work = mkdtempSync(join(tmpdir(), `preupd-${name}-`));
  const built = spawnSync('bash', [join(caseDir, 'case.sh'), work], { encoding: 'latin1' });
  if (built.status !== 0) throw new Error(`${name}/case.sh failed: ${built.stderr}`);
  const cmd = readFileSync(join(caseDir, 'cmd'), 'latin1').trim();
  const env = {
    PATH: `${bartShim()}:${process.env.PATH}`,
    HOME: process.env.HOME ?? '/root',
    TZ: 'UTC',
    LC_ALL: 'C',
    WORK: work,
    ROOT: 'root',
    CTRL: 'control.manifest',
    TEST: 'test.manifest',
    RULES: 'rules',
    FILELIST: 'filelist',
  };
  const run = spawnSync('sh', ['-c', cmd], { cwd: work, env, maxBuffer: 1 << 28 });
  const expectedStderr = readFileSync(join(caseDir, 'expected.stderr'), 'latin1').replaceAll('$WORK', work);
  return {
    stdout: run.stdout,
    stderr: run.stderr,
    status: run.status,
    expected: {
      stdout: readFileSync(join(caseDir, 'expected.stdout')),
      stderr: Buffer.from(expectedStderr, 'latin1'),
      status: Number(readFileSync(join(caseDir, 'expected.exit'), 'latin1').trim()),
    },
  };
}

/** Manifests carry the run's date on line 2: compare everything else. */
export function withoutDateLine(manifest: Buffer): string {
  const text = manifest.toString('latin1');
  if (!text.startsWith('! Version')) return text;
  const lines = text.split('\n');
  lines.splice(1, 1);
  return lines.join('\n');
}
