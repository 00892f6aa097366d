/**
 * `preupd bart compare` error paths (as bart) and `preupd manifest compare` (bart's output,
 * --json, and one `file:line` error for bad input), run in-process.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BART_USAGE } from '../src/cli/bart.js';
import { runIn } from './run-cli.js';

const CORPUS = resolve(import.meta.dirname, '../corpus/bart-conformance');
const HEADER = '! Version 1.0\n! Tuesday, March 05, 2024 (04:39:15)\n# Format:\n';
const A = 'user::rw-,group::r--,mask:r--,other:r--';
const line = (name: string, md5 = 'aaaa', uid = '0') => `${name} F 6 100644 ${A} 65e6a1f3 ${uid} 0 ${md5}\n`;

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'preupd-compare-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, 'latin1');
  return dir;
}

const preupd = (args: string[], files: Record<string, string> = {}, stdin = '') => runIn(workdir(files), args, stdin);

const pair = { c: HEADER + line('/a') + line('/b'), t: HEADER + line('/a', 'bbbb') + line('/c') };
/** 3000 entries whose compare output passes 64 KiB. */
const many = (md5: string) => Array.from({ length: 3000 }, (_, i) => line(`/f${String(i).padStart(5, '0')}`, md5)).join('');

describe('preupd bart compare: failures as bart reports them', () => {
  it.each([
    [['c'], ''],
    [['c', 't', 'x'], ''],
    [['-x', 'c', 't'], 'compare: illegal option -- x\n'],
    [['c', 't', '-i'], ''], // options after operands are operands
    [['-i'], 'compare: option requires an argument -- i\n'],
  ])('%j is a usage error', async (args, before) => {
    const r = await preupd(['bart', 'compare', ...args], pair);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', before + BART_USAGE]);
  });

  it('acts on options in order: -i messages, then the rules file that cannot be opened', async () => {
    const r = await preupd(['bart', 'compare', '-i', 'bogus', '-r', 'nope', '-i', 'worse', 'c', 't'], pair);
    expect(r.stderr).toBe(`ERROR: Invalid keyword bogus\nnope: No such file or directory\n${BART_USAGE}`);
    expect(r.status).toBe(2);
  });

  it('prints perror for a missing manifest and exits 2', async () => {
    const r = await preupd(['bart', 'compare', 'c', 'missing'], pair);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'missing: No such file or directory\n']);
  });

  it('stops at a line over 64 KiB with bart message, after what it already printed', async () => {
    const r = await preupd(['bart', 'compare', '-p', 'c', 't'], { c: pair.c + 'x'.repeat(70000) + '\n', t: pair.t });
    // bart exit()s inside the read after /b: no /c, no closing newline.
    expect(r.stdout).toBe('/a contents aaaa bbbb \n/b delete ');
    expect([r.status, r.stderr]).toEqual([2, 'ERROR: Manifest corrupt, cannot continue\n']);
  });

  it('reads a directory as an empty manifest (fopen succeeds, fread fails)', async () => {
    const dir = workdir(pair);
    mkdirSync(join(dir, 'sub'));
    expect(await runIn(dir, ['bart', 'compare', 'c', 'sub'])).toEqual({
      status: 1,
      stdout: '/a:\n  delete\n/b:\n  delete\n',
      stderr: 'WARNING: sub has missing/invalid version string\n',
    });
  });

  it('reads rules from stdin with -r -', async () => {
    const r = await preupd(['bart', 'compare', '-r', '-', 'c', 't'], pair, '/\nIGNORE contents\n');
    expect(r.stdout).toBe('/b:\n  delete\n/c:\n  add\n');
  });
});

describe('preupd manifest compare', () => {
  const corpusCase = (name: string) => ({
    c: readFileSync(join(CORPUS, name, 'control.manifest'), 'latin1'),
    t: readFileSync(join(CORPUS, name, 'test.manifest'), 'latin1'),
  });

  it.each([
    ['08-compare-default', []],
    ['09-compare-p-dlines', ['-p']],
    ['10-compare-i', ['-i', 'mtime,CONTENTS', '-i', 'Dest,bogus,uid']],
    // Values attached as getopt takes them (yargs alone read -imtime as six flags).
    ['10-compare-i', ['-imtime,CONTENTS', '-iDest,bogus,uid']],
  ])('prints what bart prints for %s %j', async (name, options) => {
    const r = await preupd(['manifest', 'compare', ...options, 'c', 't'], corpusCase(name));
    expect(r.stdout).toBe(readFileSync(join(CORPUS, name, 'expected.stdout'), 'latin1'));
    expect(r.stderr).toBe(readFileSync(join(CORPUS, name, 'expected.stderr'), 'latin1'));
    expect(r.status).toBe(1);
  });

  it('takes -r with its value attached, in diff too', async () => {
    const files = { ...pair, r: '/\nIGNORE contents\n' };
    for (const command of [['manifest', 'compare'], ['diff']]) {
      const r = await preupd([...command, '-rr', 'c', 't'], files);
      expect([r.status, r.stdout, r.stderr]).toEqual([1, '/b:\n  delete\n/c:\n  add\n', '']);
    }
  });

  it('prints one JSON object per changed path with --json', async () => {
    const r = await preupd(['manifest', 'compare', '--json', 'c', 't'], pair);
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { name: '/a', change: 'modified', attributes: { contents: { control: 'aaaa', test: 'bbbb' } } },
      { name: '/b', change: 'removed' },
      { name: '/c', change: 'added' },
    ]);
    expect(r.status).toBe(1);
  });

  it('writes names of any bytes as ASCII JSON that reads back to the same bytes', async () => {
    const r = await preupd(['manifest', 'compare', '--json', 'c', 't'], { c: HEADER, t: HEADER + line('/\xe9\xff') });
    expect(r.stdout).toMatch(/^[\x20-\x7e]+\n$/);
    expect(JSON.parse(r.stdout)).toEqual({ name: '/\xe9\xff', change: 'added' });
  });

  it('holds bart warnings until the manifests were read, and prints them then', async () => {
    const files = { c: '! Version 9\n' + line('/a'), t: HEADER + line('/a') };
    const good = await preupd(['manifest', 'compare', '-i', 'bogus', 'c', 't'], files);
    expect([good.status, good.stdout, good.stderr]).toEqual([0, '', 'ERROR: Invalid keyword bogus\nWARNING: c has missing/invalid version string\n']);
    const bad = await preupd(['manifest', 'compare', '-i', 'bogus', 'c', 't'], { ...files, t: HEADER + '/a F 6\n' });
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([2, '', 'preupd: t:4: 3 fields, F lines have 9\n']);
  });

  it('accepts what bart accepts: comment lines between entries, a last line without newline', async () => {
    const r = await preupd(['manifest', 'compare', 'c', 't'], {
      c: HEADER + line('/a') + '# note\n' + line('/b'),
      t: HEADER + line('/a') + line('/b') + line('/c').trimEnd(),
    });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  // diff of two manifests reads them as manifest compare does (bug: diff named line 1 and
  // refused different hashes even with -i contents).
  describe.each([[['manifest', 'compare']], [['diff']]])('%j and hash algorithms', (command) => {
    const xxh = (uid = '0') => `! Version 1.1\n! Hash XXH64\n${line('/a', '0123456789abcdef', uid)}`;

    it('compares manifests with different hashes when contents are ignored', async () => {
      const r = await preupd([...command, '-i', 'contents', 'c', 't'], { c: pair.c, t: xxh('7') });
      expect([r.status, r.stdout, r.stderr]).toEqual([1, '/a:\n  uid  control:0  test:7\n/b:\n  delete\n', '']);
    });

    it('refuses them otherwise, naming the line that declares the hash', async () => {
      const r = await preupd([...command, 'c', 't'], { c: pair.c, t: xxh() });
      expect([r.status, r.stdout, r.stderr]).toEqual([2, '', 'preupd: t:2: hashed with XXH64, but c with MD5: contents cannot be compared\n']);
    });
  });

  it.each([
    ['a missing file', { c: pair.c }, ['c', 't'], /^preupd: t: No such file or directory\n$/],
    ['a wrong field count', { c: pair.c, t: HEADER + line('/a') + '/b F 6\n' }, ['c', 't'], /^preupd: t:5: 3 fields, F lines have 9\n$/],
    ['a bad octal escape', { c: HEADER + line('/a\\9'), t: pair.t }, ['c', 't'], /^preupd: c:4: bad octal escape '\\9 F'\n$/],
    ['a line over 64 KiB', { c: pair.c, t: HEADER + line('/a') + 'x'.repeat(65536) + '\n' }, ['c', 't'], /^preupd: t:5: line longer than 65535 bytes\n$/],
    ['a NUL byte', { c: pair.c + '\0', t: pair.t }, ['c', 't'], /^preupd: c:6: NUL byte in manifest\n$/],
    [
      'a header that fills the first 64 KiB (bart reads the manifest as empty)',
      { c: `${HEADER}# ${'x'.repeat(65536)}\n${line('/a')}`, t: pair.t },
      ['c', 't'],
      /^preupd: c:4: header and first entry do not end within the first 65536 bytes, as bart needs\n$/,
    ],
    [
      'a corrupt line after 64 KiB of differences (nothing is printed)',
      { c: HEADER + many('aaaa'), t: HEADER + many('bbbb') + '/zz F 6\n' },
      ['-p', 'c', 't'],
      /^preupd: t:3004: 3 fields, F lines have 9\n$/,
    ],
    ['a rules syntax error', { ...pair, r: '/etc\nIGNORE mtimes\n' }, ['-r', 'r', 'c', 't'], /^preupd: r:2: unknown keyword 'mtimes'\n$/],
  ])('rejects %s with one line naming file and line, exit 2', async (_what, files, args, message) => {
    const r = await preupd(['manifest', 'compare', ...args], files as Record<string, string>);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });
});
