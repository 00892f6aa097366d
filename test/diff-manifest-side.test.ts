/**
 * `preupd diff` with a saved manifest on one side: it must print what `manifest compare`
 * prints for the same manifest and a manifest of the live tree, also where bart accepts odd
 * input (issue 3, "Bad input": comment lines in the middle, a last line without newline;
 * spec/bart.md §5.1). Real trees, built CLI.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preupd, runCommand, scratchDir } from './real-tree.js';

const scratch = scratchDir('preupd-diff-side-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const RULES = '/\nCHECK all\nIGNORE dirmtime\n';
const paths = {
  rules: join(scratch, 'rules'),
  control: join(scratch, 'control'),
  test: join(scratch, 'test'),
  controlManifest: join(scratch, 'control.manifest'),
  testManifest: join(scratch, 'test.manifest'),
};

beforeAll(async () => {
  writeFileSync(paths.rules, RULES);
  for (const root of [paths.control, paths.test]) {
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'motd'), 'welcome\n');
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n');
    symlinkSync('motd', join(root, 'etc', 'motd.link'));
  }
  writeFileSync(join(paths.test, 'etc', 'hosts'), '127.0.0.1 localhost box\n');
  writeFileSync(join(paths.test, 'etc', 'zz-added'), 'new\n');
  for (const [root, out] of [[paths.control, paths.controlManifest], [paths.test, paths.testManifest]] as const) {
    const made = await preupd(['manifest', 'create', '-r', paths.rules, '--hash', 'md5', '-R', root, '-o', out]);
    expect([made.status, made.stderr]).toEqual([0, '']);
  }
});

/** A variant of the control manifest, written next to it. */
function variant(name: string, edit: (text: string) => string): string {
  const path = join(scratch, name);
  writeFileSync(path, edit(readFileSync(paths.controlManifest, 'latin1')), 'latin1');
  return path;
}

/** Inserts `line` before the entry line of `name`. */
const insertBefore = (name: string, line: string) => (text: string) => text.replace(new RegExp(`^${name} `, 'm'), `${line}\n${name} `);

describe('preupd diff with a saved manifest on one side', () => {
  it('prints what manifest compare prints, the manifest on either side', async () => {
    const compared = await preupd(['manifest', 'compare', '-r', paths.rules, paths.controlManifest, paths.testManifest]);
    expect(compared.status).toBe(1);
    expect(compared.stdout).toContain('/etc/zz-added:\n  add\n');
    expect(await preupd(['diff', paths.controlManifest, paths.test])).toEqual(compared);
    expect(await preupd(['diff', paths.control, paths.testManifest])).toEqual(compared);
  });

  // A pipe has no real path: only a directory side is resolved as a tree root.
  it('reads the manifest side from a pipe', async () => {
    const bin = resolve(import.meta.dirname, '../bin/preupd');
    const piped = await runCommand(['sh', '-c', 'cat "$1" | "$0" diff /dev/stdin "$2"', bin, paths.controlManifest, paths.test]);
    expect(piped).toEqual(await preupd(['diff', paths.controlManifest, paths.test]));
    expect(piped.status).toBe(1);
  });

  it('uses the hash of the manifest for the live side, whatever --hash says', async () => {
    const run = await preupd(['diff', '--hash', 'sha256', paths.controlManifest, paths.test]);
    expect(run.stdout).toMatch(/^ {2}contents {2}control:[0-9a-f]{32} {2}test:[0-9a-f]{32}$/m);
  });

  // Bug: readManifestSide (src/cli/diff-sides.ts) reads lines with readline, which yields an
  // unterminated last line; bart and manifest compare drop it (spec/bart.md §5.1 [QUIRK]).
  it('drops a last line without newline, as bart and manifest compare do', async () => {
    const noNewline = variant('no-newline.manifest', (t) => t.replace(/\n$/, ''));
    const compared = await preupd(['manifest', 'compare', '-r', paths.rules, noNewline, paths.controlManifest]);
    expect(compared.stdout).toMatch(/:\n {2}add\n$/); // the dropped entry comes back as added
    expect(await preupd(['diff', noNewline, paths.control])).toEqual(compared);
  });

  // Bug: readManifestSide skips '!'/'#' lines only at the top and then checks every line
  // with parseEntryLine, so a comment line among the entries is an error (exit 2); bart and
  // manifest compare take it as an entry (name '#', here not reported) and go on (§5.1).
  it('takes a comment line among the entries as bart does (an entry), not as an error', async () => {
    const commented = variant('comment.manifest', insertBefore('/etc/motd', '# a comment'));
    const compared = await preupd(['manifest', 'compare', '-r', paths.rules, commented, paths.testManifest]);
    expect(compared.status).toBe(1);
    expect(await preupd(['diff', commented, paths.test])).toEqual(compared);
  });

  // Bug: the same check rejects a blank line (exit 2, "unknown entry type ''"); bart and
  // manifest compare take it as an entry with an empty name (§5.1).
  it('takes a blank line among the entries as bart does, not as an error', async () => {
    const blank = variant('blank.manifest', insertBefore('/etc/motd', ''));
    const compared = await preupd(['manifest', 'compare', '-r', paths.rules, blank, paths.testManifest]);
    expect(compared.status).toBe(1);
    expect(await preupd(['diff', blank, paths.test])).toEqual(compared);
  });

  // Bug: in --quick, resolvePair (src/diff/lazy-contents.ts) copies the control's contents
  // into the test line whenever the control side has no hasher, also when the test side is a
  // manifest too: its recorded hash is overwritten and a recorded change disappears. Only a
  // live side should borrow a hash ("a manifest side lends its hash to the live side").
  it('keeps both recorded hashes under --quick when both sides are manifests', async () => {
    const manifests: string[] = [];
    for (const [side, content] of [['q-control', 'hello\n'], ['q-test', 'hellx\n']] as const) {
      const root = join(scratch, side);
      mkdirSync(root);
      writeFileSync(join(root, 'f'), content);
      utimesSync(join(root, 'f'), 1_600_000_000, 1_600_000_000);
      utimesSync(root, 1_600_000_000, 1_600_000_000);
      const out = join(scratch, `${side}.manifest`);
      expect((await preupd(['manifest', 'create', '-r', paths.rules, '-R', root, '-o', out])).status).toBe(0);
      manifests.push(out);
    }
    const compared = await preupd(['manifest', 'compare', '-r', paths.rules, manifests[0]!, manifests[1]!]);
    expect(compared.stdout).toMatch(/^\/f:\n {2}contents {2}control:\S+ {2}test:\S+\n$/);
    expect(await preupd(['diff', '--quick', manifests[0]!, manifests[1]!])).toEqual(compared);
  });

  // Issue 3, bad input: one line on stderr and nothing on stdout, though the corrupt line
  // comes after thousands of differences (the manifest is read in step with the walk).
  it('prints nothing but the error for a corrupt line deep in the manifest', async () => {
    const live = join(scratch, 'many');
    mkdirSync(live);
    for (let i = 0; i < 20_000; i++) writeFileSync(join(live, `f${String(i).padStart(5, '0')}`), 'x\n');
    const saved = join(scratch, 'many.manifest');
    expect((await preupd(['manifest', 'create', '--hash', 'md5', '-R', live, '-o', saved])).status).toBe(0);
    // Every file's recorded contents differ from the tree's; the last line is cut short.
    writeFileSync(saved, readFileSync(saved, 'latin1').replace(/ [0-9a-f]{32}$/gm, ' 0123456789abcdef0123456789abcdef') + '/zz F 6\n', 'latin1');
    const run = await preupd(['diff', saved, live]);
    expect(run.stderr).toMatch(/^preupd: \S+many\.manifest:\d+: 3 fields, F lines have 9\n$/);
    expect([run.status, run.stdout]).toEqual([2, '']);
  });
});
