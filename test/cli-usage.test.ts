/**
 * Command-line habits every command shares (found by a review of the whole CLI): operands
 * after `--`, a repeated option, a directory or a lone `-` where a manifest goes, output
 * files that cannot be written, a full stdout, and ^C or kill during `-o`. Each gives one
 * stderr line naming what the user typed, exit 2, and nothing left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREUPD, scratchDir } from './real-tree.js';
import { runIn } from './run-cli.js';

const top = scratchDir('preupd-usage-');
afterAll(() => rmSync(top, { recursive: true, force: true }));

beforeAll(() => {
  for (const tree of ['A', 'B', '-B']) {
    mkdirSync(join(top, tree, 'etc'), { recursive: true });
    writeFileSync(join(top, tree, 'etc', 'motd'), tree === 'A' ? 'one\n' : 'two\n');
  }
  writeFileSync(join(top, 'rules'), '/etc\nCHECK all\n');
});

// A fixed date line: two runs compared whole must not straddle a second (it failed in CI).
const preupd = (args: string[]) => runIn(top, args, '', { SOURCE_DATE_EPOCH: '1709613555', TZ: 'UTC' });
const usage = (stderr: string) => ({ status: 2, stdout: '', stderr: `preupd: ${stderr}\n` });

describe('operands', () => {
  it('takes the operands after --, also one that starts with -', async () => {
    const plain = await preupd(['diff', 'A', 'B']);
    expect(plain.status).toBe(1);
    expect(await preupd(['diff', '--', 'A', 'B'])).toEqual(plain);
    expect(await preupd(['diff', 'A', '--', '-B'])).toEqual(plain);
    await preupd(['manifest', 'create', '-R', 'A', '-o', 'a.m']);
    await preupd(['manifest', 'create', '-R', 'B', '-o', 'b.m']);
    expect(await preupd(['manifest', 'compare', '--', 'a.m', 'b.m'])).toEqual(await preupd(['manifest', 'compare', 'a.m', 'b.m']));
  });

  it.each([
    [['diff', 'A'], 'needs two operands, control and test (got 1)'],
    // A third operand is counted, not taken for a command ("Unknown command: C").
    [['diff', 'A', 'B', 'C'], 'needs two operands, control and test (got 3)'],
    [['manifest', 'compare', 'a.m', 'b.m', 'c', 'd'], 'needs two operands, control and test (got 4)'],
    [['diff', 'A', '--', 'B', 'C'], 'needs two operands, control and test (got 3)'],
    [['diff', '-x', 'A', 'B'], 'Unknown argument: x'],
    [['manifest', 'compare', '--bogus', 'a.m', 'b.m'], 'Unknown argument: bogus'],
    [['diff', 'A', '-'], 'an empty operand names no file (for standard input, name /dev/stdin)'],
    [['manifest', 'compare', 'a.m', 'B'], 'B: Is a directory'],
    [['manifest', 'create', '-R', 'A', '-o'], '-o needs a value'],
    [['diff', '-r', '', 'A', 'B'], '-r needs a value'],
    [['--bogus'], 'a command is needed (see preupd --help)'],
    [['manifest'], 'manifest needs a command: create or compare (see preupd manifest --help)'],
    [['prune', '--keep', '--dry-run'], 'Not enough arguments following: keep'],
    [['diff', 'A', 'B', '--hash'], 'Not enough arguments following: hash'],
    [['diff', 'A', 'B', '-i'], 'Not enough arguments following: i'],
    [['--', 'diff', 'A', 'B'], 'a command is needed (see preupd --help)'],
    [['manifest', '--', 'compare', 'a.m', 'b.m'], 'manifest needs a command: create or compare (see preupd manifest --help)'],
  ])('%j: one line that names the problem', async (args, message) => {
    expect(await preupd(args)).toEqual(usage(message));
  });
});

it.each(['manifest', 'demo', 'prune', 'diff'])('%s --help lists the exit codes', async (command) => {
  const run = await preupd([command, '--help']);
  expect([run.status, run.stdout]).toEqual([0, expect.stringContaining('\n  141  standard output was closed')]);
});

describe('a repeated option takes its last value, as bart getopt does', () => {
  it.each([
    [['manifest', 'create', '-R', 'A', '-R', 'B'], ['manifest', 'create', '-R', 'B']],
    [['diff', '-r', 'nowhere', '-r', 'rules', 'A', 'B'], ['diff', '-r', 'rules', 'A', 'B']],
  ])('%j', async (repeated, last) => {
    const run = await preupd(repeated);
    expect(run.status).toBeLessThan(2);
    expect(run).toEqual(await preupd(last));
  });
});

describe('output that cannot be written', () => {
  it.each([
    ['nowhere/m', 'nowhere/m: No such file or directory'],
    ['A', 'A: Is a directory'],
  ])('-o %s names the file given', async (name, message) => {
    expect(await preupd(['manifest', 'create', '-R', 'A', '-o', name])).toEqual(usage(message));
    expect(readdirSync(top).filter((f) => f.includes('.tmp.'))).toEqual([]);
  });

  it('a full stdout is one line and exit 2, no stack trace', () => {
    const full = openSync('/dev/full', 'w');
    const run = spawnSync(PREUPD, ['manifest', 'create', '-R', join(top, 'A')], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect([run.status, run.stderr]).toEqual([2, 'preupd: standard output: No space left on device\n']);
  });
});

// Bug: an unexpected failure exited 1 with a stack trace; 1 means differences or conflicts,
// and the first-boot service takes boot-finish's 1 for "finished with conflicts".
it('a failure nothing else caught (here: no dist/) is one line and exit 2', () => {
  const bin = join(top, 'checkout-without-dist', 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(PREUPD, join(bin, 'preupd'));
  const run = spawnSync('node', [join(bin, 'preupd'), 'status'], { encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^preupd: Cannot find module '.*main\.js'[^\n]*\n$/);
});

describe('interrupted while writing -o', () => {
  // A tree big enough that the walk is still running when the signal comes.
  const big = join(import.meta.dirname, '..', 'node_modules');

  it.each(['SIGINT', 'SIGTERM'] as const)('%s: the temporary file goes, and preupd dies of the signal', async (signal) => {
    const out = join(top, `interrupted-${signal}`);
    mkdirSync(out);
    const child = spawn(PREUPD, ['manifest', 'create', '-R', big, '-o', join(out, 'm')], { stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, sig) => resolve(sig)));
    while (readdirSync(out).length === 0) await new Promise((r) => setTimeout(r, 20));
    child.kill(signal);
    expect(await ended).toBe(signal);
    expect(readdirSync(out)).toEqual([]);
  });
});
