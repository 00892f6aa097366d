/**
 * Tree roots as the command line names them: through symlinks (walked from the physical
 * path, as bart's chdir + getcwd does) and with non-ASCII bytes (argv and the working
 * directory are decoded from UTF-8; the walker takes byte strings).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from './real-tree.js';

const PREUPD = resolve(import.meta.dirname, '../bin/preupd');

function preupd(args: string[], cwd: string, input?: string) {
  const run = spawnSync('node', [PREUPD, ...args], { cwd, input, env: { ...process.env, SOURCE_DATE_EPOCH: '1709613555', TZ: 'UTC' } });
  return { stdout: run.stdout.toString('latin1'), stderr: run.stderr.toString('latin1'), status: run.status };
}

/** Trees A and B (B's d/f differs) in `dir`; cp -a keeps every other attribute the same. */
function writePair(dir: string, b = 'B') {
  mkdirSync(join(dir, 'A', 'd'), { recursive: true });
  writeFileSync(join(dir, 'A', 'd', 'f'), '1\n');
  cpSync(join(dir, 'A'), join(dir, b), { recursive: true, preserveTimestamps: true });
  writeFileSync(join(dir, b, 'd', 'f'), '2\n');
  // Only the contents differ: the write may fall in the next second (a flaky mtime line).
  const { atime, mtime } = statSync(join(dir, 'A', 'd', 'f'));
  utimesSync(join(dir, b, 'd', 'f'), atime, mtime);
}

let top: string;
let expected: ReturnType<typeof preupd>;
let manifestA: string;

beforeAll(() => {
  top = scratchDir('preupd-roots-');
  writePair(top);
  symlinkSync('A', join(top, 'LA'));
  expected = preupd(['diff', 'A', 'B'], top);
  manifestA = preupd(['manifest', 'create', '-R', 'A'], top).stdout;
});

describe('a diff side reached through a symlink', () => {
  it('reports the same changes as from the directory itself', () => {
    expect(expected.stdout).toMatch(/^\/d\/f:\n {2}contents/);
    expect(expected.status).toBe(1);
    expect(preupd(['diff', 'LA', 'B'], top)).toEqual(expected);
  });

  it.each(['LA', 'LA/', 'LA/.'])('sees no change between A and %s', (side) => {
    expect(preupd(['diff', 'A', side], top)).toEqual({ stdout: '', stderr: '', status: 0 });
  });

  it('takes link/.. as the parent of the link target, as chdir does', () => {
    symlinkSync('B/d', join(top, 'LBd'));
    expect(preupd(['diff', 'A', 'LBd/..'], top)).toEqual(expected);
    // Textually `d`, which does not exist here: the side is looked at as the kernel sees it.
    expect(preupd(['diff', 'A/d', 'LBd/../d'], top)).toEqual(preupd(['diff', 'A/d', 'B/d'], top));
  });

  // Rules files and -o were resolved as text: `LBd/../r` named ./r, not B/r.
  it('reads -r and writes -o through link/.. as the kernel does', () => {
    symlinkSync('B/d', join(top, 'LBd2'));
    writeFileSync(join(top, 'B', 'r'), '/d\nCHECK all\n');
    const run = preupd(['manifest', 'create', '-R', 'A', '-r', 'LBd2/../r', '-o', 'LBd2/../out'], top);
    expect(run).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(readFileSync(join(top, 'B', 'out'), 'latin1')).toMatch(/^\/d D /m);
  });

  it('refuses a manifest named with a trailing slash, as the kernel does', () => {
    writeFileSync(join(top, 'a.manifest'), manifestA, 'latin1');
    expect(preupd(['diff', 'a.manifest/', 'B'], top)).toEqual({ status: 2, stdout: '', stderr: 'preupd: a.manifest/: Not a directory\n' });
  });
});

describe('non-ASCII roots', () => {
  it('diffs relative roots below a non-ASCII working directory', () => {
    const cwd = join(top, 'é');
    writePair(cwd);
    expect(preupd(['diff', 'A', 'B'], cwd)).toEqual(expected);
  });

  it('diffs non-ASCII and spaced side names', () => {
    writePair(join(top, 'sp ace'), 'Bé');
    expect(preupd(['diff', 'sp ace/A', 'sp ace/Bé'], top)).toEqual(expected);
    expect(preupd(['diff', join(top, 'sp ace/A'), join(top, 'sp ace/Bé')], '/')).toEqual(expected);
  });

  it('names a missing non-ASCII side in its own bytes', () => {
    const run = preupd(['diff', 'A', 'nö'], top);
    expect(Buffer.from(run.stderr, 'latin1').toString('utf8')).toBe('preupd: nö: No such file or directory\n');
    expect(run.status).toBe(2);
  });

  it('creates a manifest of -R é/A, to -o é/out too', () => {
    mkdirSync(join(top, 'é2'));
    cpSync(join(top, 'A'), join(top, 'é2', 'A'), { recursive: true, preserveTimestamps: true });
    expect(preupd(['manifest', 'create', '-R', 'é2/A'], top)).toEqual({ stdout: manifestA, stderr: '', status: 0 });
    expect(preupd(['manifest', 'create', '-R', 'é2/A', '-o', 'é2/out'], top).status).toBe(0);
    expect(readFileSync(join(top, 'é2', 'out'), 'latin1')).toBe(manifestA);
  });

  it('creates a manifest of -R with URL characters', () => {
    cpSync(join(top, 'A'), join(top, 'a#b%41?'), { recursive: true, preserveTimestamps: true });
    expect(preupd(['manifest', 'create', '-R', 'a#b%41?'], top)).toEqual({ stdout: manifestA, stderr: '', status: 0 });
  });

  it('lists non-ASCII names given to -I as operands or on stdin', () => {
    const root = join(top, 'list');
    mkdirSync(root);
    writeFileSync(join(root, 'fé'), 'x');
    const viaArgs = preupd(['manifest', 'create', '-R', root, '-I', 'fé'], top);
    expect(viaArgs.status).toBe(0);
    expect(viaArgs.stdout).toContain(`\n${Buffer.from('/fé', 'utf8').toString('latin1')} F 1 `);
    expect(preupd(['manifest', 'create', '-R', root, '-I'], top, 'fé\n').stdout).toBe(viaArgs.stdout);
    const bart = preupd(['bart', 'create', '-R', root, '-I', 'fé'], top);
    expect([bart.status, bart.stderr]).toEqual([0, '']);
    expect(bart.stdout).toContain(`\n${Buffer.from('/fé', 'utf8').toString('latin1')} F 1 `);
  });
});
