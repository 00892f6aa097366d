/** `preupd bart create` argv handling, texts and exit codes as illumos bart (spec/bart.md §1, §3.1). */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BART_USAGE } from '../src/cli/bart.js';
import { runIn } from './run-cli.js';

const SAMPLE = resolve(import.meta.dirname, '../corpus/sample-root');
const bart = (args: string[], stdin = '') => runIn(SAMPLE, ['bart', ...args], stdin, { SOURCE_DATE_EPOCH: '0', TZ: 'UTC' });
const names = (manifest: string) => manifest.split('\n').filter((l) => l.startsWith('/')).map((l) => l.split(' ')[0]);

describe('preupd bart', () => {
  it('prints the usage and exits 2 without a sub-command or with an unknown one', async () => {
    for (const args of [[], ['crate'], ['Create']]) {
      const run = await bart(args);
      expect([run.status, run.stderr, run.stdout]).toEqual([2, BART_USAGE, '']);
    }
  });

  it('words an unknown option as illumos getopt does, then the usage', async () => {
    const run = await bart(['create', '-x']);
    expect([run.status, run.stderr]).toEqual([2, 'create: illegal option -- x\n' + BART_USAGE]);
    const missing = await bart(['create', '-R']);
    expect([missing.status, missing.stderr]).toEqual([2, 'create: option requires an argument -- R\n' + BART_USAGE]);
  });

  it('refuses -I after -r but accepts -r after -I and ignores the rules (bart quirk)', async () => {
    const refused = await bart(['create', '-r', '-', '-I']);
    expect([refused.status, refused.stderr]).toEqual([2, 'ERROR: Cannot use -I and -r options together\n' + BART_USAGE]);
    const accepted = await bart(['create', '-R', '.', '-I', '-r', 'etc/hosts', 'etc/motd']);
    expect(accepted.status).toBe(0);
    expect(names(accepted.stdout)).toEqual(['/etc/motd']);
  });

  it('does not permute options after operands: a later -n is a file name', async () => {
    const run = await bart(['create', '-R', '.', '-I', 'etc/motd', '-n']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${SAMPLE}/-n: No such file or directory\n`);
    expect(run.stdout).toMatch(/^\/etc\/motd F 37 100644 \S+ \S+ \d+ \d+ [0-9a-f]{32}$/m);
  });

  it('reports a bad -R with perror and the usage', async () => {
    const run = await bart(['create', '-R', '/nonexistent']);
    expect([run.status, run.stderr]).toEqual([2, '/nonexistent: No such file or directory\n' + BART_USAGE]);
    // bart chdir()s to -R: a file or an empty name fails there, where realpath would not.
    const file = await bart(['create', '-R', 'etc/motd']);
    expect([file.status, file.stderr, file.stdout]).toEqual([2, 'etc/motd: Not a directory\n' + BART_USAGE, '']);
    const empty = await bart(['create', '-R', '']);
    // perror("") prints the error alone.
    expect([empty.status, empty.stderr]).toEqual([2, 'No such file or directory\n' + BART_USAGE]);
  });

  it('reads the file list from stdin up to the first empty line', async () => {
    const run = await bart(['create', '-n', '-R', '.', '-I'], 'etc/hosts\netc/motd\n\netc/passwd\n');
    expect(names(run.stdout)).toEqual(['/etc/hosts', '/etc/motd']);
  });

  it('writes MD5 manifests with the Version 1.0 header', async () => {
    const run = await bart(['create', '-R', '.']);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual(['! Version 1.0', '! Thursday, January 01, 1970 (00:00:00)', '# Format:']);
  });
});
