/** `preupd manifest create` as a user meets it: help, output file, bad input. */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PREUPD = resolve(import.meta.dirname, '../bin/preupd');
const SAMPLE = resolve(import.meta.dirname, '../corpus/sample-root');

function preupd(args: string[], input?: string, cwd?: string) {
  const run = spawnSync('node', [PREUPD, ...args], { input, cwd, env: { ...process.env, SOURCE_DATE_EPOCH: '1709613555', TZ: 'UTC' } });
  return { stdout: run.stdout.toString('latin1'), stderr: run.stderr.toString('latin1'), status: run.status };
}

describe('preupd manifest create', () => {
  it('has --help that names every option and the exit codes', () => {
    const { stdout, status } = preupd(['manifest', 'create', '--help']);
    expect(status).toBe(0);
    for (const opt of ['-n', '-R', '-r', '-I', '--hash', '--acl', '-o']) expect(stdout).toContain(opt);
    expect(stdout).toContain('Exit status');
  });

  it('writes an XXH64 manifest with a fixed date to -o, leaving no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-cli-'));
    const out = join(dir, 'sample.manifest');
    const { status, stdout } = preupd(['manifest', 'create', '-R', SAMPLE, '-o', out]);
    expect(status).toBe(0);
    expect(stdout).toBe('');
    const text = readFileSync(out, 'latin1');
    expect(text.split('\n').slice(0, 3)).toEqual(['! Version 1.1', '! Hash XXH64', '! Tuesday, March 05, 2024 (04:39:15)']);
    expect(text).toMatch(/^\/etc\/motd F 37 100644 \S+ [0-9a-f]+ \d+ \d+ [0-9a-f]{16}$/m);
    expect(readdirSync(dir)).toEqual(['sample.manifest']);
  });

  // It listed its own temporary file (`/.m.tmp.PID`, a name that is gone once renamed), and
  // on a second run the file it replaces.
  it('does not list its own output file when it writes into the tree it walks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-cli-'));
    writeFileSync(join(dir, 'f'), 'kept\n');
    for (const run of [1, 2]) {
      expect([run, preupd(['manifest', 'create', '-R', dir, '-o', join(dir, 'm')]).status]).toEqual([run, 0]);
      const names = readFileSync(join(dir, 'm'), 'latin1').split('\n').filter((l) => l.startsWith('/')).map((l) => l.split(' ')[0]);
      expect([run, names]).toEqual([run, ['/f']]);
    }
    // A file the output replaces but another name still links stays in the tree: it is listed.
    linkSync(join(dir, 'm'), join(dir, 'kept'));
    expect(preupd(['manifest', 'create', '-R', dir, '-o', join(dir, 'm')]).status).toBe(0);
    expect(readFileSync(join(dir, 'm'), 'latin1')).toMatch(/^\/kept F /m);
  });

  // A -n manifest used to say `! Version 1.0` (MD5) whatever --hash said, and compare then
  // refused it beside a hashed XXH64 manifest of the same tree.
  it('names --hash in the header with -n too, so it compares with a hashed manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-cli-'));
    const [bare, hashed] = [join(dir, 'n.manifest'), join(dir, 'h.manifest')];
    expect(preupd(['manifest', 'create', '-n', '-R', SAMPLE, '-o', bare]).status).toBe(0);
    expect(preupd(['manifest', 'create', '-R', SAMPLE, '-o', hashed]).status).toBe(0);
    expect(readFileSync(bare, 'latin1').split('\n').slice(0, 2)).toEqual(['! Version 1.1', '! Hash XXH64']);
    const compared = preupd(['manifest', 'compare', bare, hashed]);
    expect([compared.status, compared.stderr]).toEqual([1, '']);
    expect(compared.stdout).toMatch(/^ {2}contents {2}control:- {2}test:[0-9a-f]{16}$/m);
    expect(preupd(['manifest', 'create', '-n', '--hash', 'md5', '-R', SAMPLE]).stdout).toMatch(/^! Version 1\.0\n! [A-Z]/);
  });

  it('lists names after -- with -I, a name starting with - too', () => {
    const run = preupd(['manifest', 'create', '-R', SAMPLE, '-I', 'etc/hosts', '--', '-n', 'etc/group']);
    expect(run.stderr).toBe(`${SAMPLE}/-n: No such file or directory\n`);
    const numeric = preupd(['manifest', 'create', '-R', SAMPLE, '-I', '--', '0x10', '1.50']);
    expect(numeric.stderr).toBe(`${SAMPLE}/0x10: No such file or directory\n${SAMPLE}/1.50: No such file or directory\n`);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('/')).map((l) => l.split(' ')[0])).toEqual(['/etc/group', '/etc/hosts']);
    expect(run.status).toBe(1);
  });

  it('writes the same bytes to -o as to stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-cli-'));
    const viaStdout = preupd(['manifest', 'create', '-R', SAMPLE]);
    preupd(['manifest', 'create', '-R', SAMPLE, '-o', join(dir, 'm')]);
    expect(readFileSync(join(dir, 'm'), 'latin1')).toBe(viaStdout.stdout);
  });

  it('writes a relative -o where it was started, though the walk runs from inside the root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-cli-'));
    const viaStdout = preupd(['manifest', 'create', '-R', SAMPLE]);
    expect(preupd(['manifest', 'create', '-R', SAMPLE, '-o', 'm'], undefined, dir).status).toBe(0);
    expect(readFileSync(join(dir, 'm'), 'latin1')).toBe(viaStdout.stdout);
    expect(readdirSync(SAMPLE)).not.toContain('m');
  });

  it.each([
    [['manifest', 'create', '-R', '/nonexistent/root'], /^preupd: \/nonexistent\/root: No such file or directory\n$/],
    [['manifest', 'create', '--hash', 'crc32', '-R', SAMPLE], /^preupd: .*hash.*crc32.*\n$/],
    [['manifest', 'create', '-r', '/nonexistent/rules', '-R', SAMPLE], /^preupd: \/nonexistent\/rules: No such file or directory\n$/],
    [['manifest', 'create', '-R', SAMPLE, 'etc/motd'], /^preupd: names to list \(etc\/motd\.\.\.\) need -I\n$/],
    [['manifest', 'create', '-R', SAMPLE, '--', 'etc/motd'], /^preupd: names to list \(etc\/motd\.\.\.\) need -I\n$/],
  ])('rejects bad input %j with one line and exit 2', (args, message) => {
    const { stderr, status, stdout } = preupd(args);
    expect(stderr).toMatch(message);
    expect(status).toBe(2);
    expect(stdout).toBe('');
  });

  it('names the rules file and line of a syntax error and writes no output file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'preupd-cli-'));
    const rules = join(dir, 'rules');
    writeFileSync(rules, 'CHECK all\n/etc\nIGNORE contents mtimes\n');
    const out = join(dir, 'out.manifest');
    const { stderr, status } = preupd(['manifest', 'create', '-R', SAMPLE, '-r', rules, '-o', out]);
    expect(stderr).toMatch(new RegExp(`^preupd: ${rules}:3: .*mtimes.*\\n$`));
    expect(status).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['rules']);
  });
});
