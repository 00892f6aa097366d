/**
 * Paths bart takes as C strings: -I names cut at a NUL byte and at PATH_MAX (read_filelist's
 * fgets + strtok + snprintf), and empty path arguments, which name no file (fopen/chdir/lstat
 * of "" fail with ENOENT) and which perror("") prints without a `: ` prefix. Texts from
 * illumos bart's source (create.c, compare.c), checked against a bart built from it.
 */
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BART_USAGE } from '../src/cli/bart.js';
import { scratchDir } from './real-tree.js';
import { runIn } from './run-cli.js';

const SAMPLE = resolve(import.meta.dirname, '../corpus/sample-root');
const ENV = { SOURCE_DATE_EPOCH: '0', TZ: 'UTC' };
const inSample = (args: string[], stdin = '') => runIn(SAMPLE, args, stdin, ENV);
const names = (manifest: string) => manifest.split('\n').filter((l) => l.startsWith('/')).map((l) => l.split(' ')[0]);

// bart's PATH_MAX is 1024: read_filelist's snprintf keeps 1023 bytes of root + name.
const root = realpathSync(scratchDir('preupd-bart-paths-'));
mkdirSync(`${root}/d`);
writeFileSync(`${root}/d/f`, 'hi\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const inRoot = (args: string[], stdin = '') => runIn(root, args, stdin, ENV);

/** `./././…d/f` that fills root + '/' + it to exactly 1023 bytes. */
function dotsToF(): string {
  const room = 1023 - root.length - 1 - 'd/f'.length;
  const dots = room % 2 === 0 ? './'.repeat(room / 2) : './/' + './'.repeat((room - 3) / 2);
  return dots + 'd/f';
}

describe('bart create -I: names as read_filelist builds them', () => {
  it('a name from stdin ends at a NUL byte (fgets reads on, strtok stops there)', async () => {
    const missing = await inSample(['bart', 'create', '-I'], 'ab\0cd\n');
    expect([missing.status, missing.stderr]).toEqual([1, 'ab: No such file or directory\n']);
    const listed = await inSample(['bart', 'create', '-n', '-R', '.', '-I'], 'etc/motd\0junk\netc/hosts\n');
    expect([listed.status, listed.stderr, names(listed.stdout)]).toEqual([0, '', ['/etc/hosts', '/etc/motd']]);
    // A NUL first is an empty name: the list ends there.
    const ended = await inSample(['bart', 'create', '-n', '-R', '.', '-I'], '\0etc/motd\netc/hosts\n');
    expect([ended.status, ended.stderr, names(ended.stdout)]).toEqual([0, '', []]);
  });

  it('the path is cut to 1023 bytes: lstat, the message and the entry use the cut path', async () => {
    const long = 'x'.repeat(1500);
    const cut = `${root}/${long}`.slice(0, 1023);
    for (const run of [await inRoot(['bart', 'create', '-R', '.', '-I', long]), await inRoot(['bart', 'create', '-I', `${root}/${long}`])]) {
      expect([run.status, run.stderr]).toEqual([1, `${cut}: File name too long\n`]);
    }
    // What is cut off is not looked at: the cut path names d/f.
    const name = dotsToF();
    for (const run of [await inRoot(['bart', 'create', '-R', '.', '-I', `${name}IGNORED`]), await inRoot(['bart', 'create', '-R', '.', '-I'], `${name}IGNORED\n`)]) {
      expect([run.status, run.stderr, names(run.stdout)]).toEqual([0, '', [`/${name}`]]);
    }
  });

  it("an empty name without -R is the path '', and perror('') prints no prefix", async () => {
    const run = await inSample(['bart', 'create', '-I', '', 'nope', '']);
    expect([run.status, run.stderr]).toEqual([1, 'No such file or directory\nnope: No such file or directory\nNo such file or directory\n']);
    // Under a root, '' is `root/`: the root itself.
    const rooted = await inSample(['bart', 'create', '-n', '-R', '.', '-I', '']);
    expect([rooted.status, rooted.stderr, names(rooted.stdout)]).toEqual([0, '', ['/']]);
  });
});

describe('empty path arguments name no file', () => {
  it("bart compare '' '': fopen fails, perror(''), exit 2", async () => {
    expect(await inSample(['bart', 'compare', '', ''])).toEqual({ status: 2, stdout: '', stderr: 'No such file or directory\n' });
  });

  it("bart compare -r '': the rules file cannot be opened, so the usage, before the manifests", async () => {
    expect(await inSample(['bart', 'compare', '-r', '', 'a', 'b'])).toEqual({ status: 2, stdout: '', stderr: 'No such file or directory\n' + BART_USAGE });
  });

  it("bart create -r '' and -R '': perror('') and the usage", async () => {
    for (const option of ['-r', '-R']) {
      expect(await inSample(['bart', 'create', option, ''])).toEqual({ status: 2, stdout: '', stderr: 'No such file or directory\n' + BART_USAGE });
    }
  });
});

describe('preupd manifest create -I', () => {
  it('a NUL byte in a name from stdin is bad input: one line naming the line, exit 2, nothing written', async () => {
    expect(await inSample(['manifest', 'create', '-R', '.', '-I'], 'etc/motd\nab\0cd\n')).toEqual({
      status: 2,
      stdout: '',
      stderr: 'preupd: <stdin>:2: NUL byte in a name\n',
    });
  });
});
