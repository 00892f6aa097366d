/**
 * bart prints st_mtime, the whole seconds. A time within ~120 ns of the next second used to
 * print that next second: mtimeMs (sec * 1e3 + nsec / 1e6, a double) rounds up to it. Real
 * directories, through the built CLI (walking threads) and the in-thread file system.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeWalkFs, threadWalkFs } from '../src/walk/walk-fs.js';

const PREUPD = resolve(import.meta.dirname, '../bin/preupd');
const SECOND = 1700000000;
const HEX = SECOND.toString(16);

function preupd(args: string[]) {
  const run = spawnSync('node', [PREUPD, ...args], { env: { ...process.env, TZ: 'UTC' } });
  return { stdout: run.stdout.toString('latin1'), status: run.status };
}

/** Sets a time with nanoseconds (Node's utimes takes doubles, which cannot hold .999999999). */
function touch(path: string, time: string, opts: string[] = []): void {
  expect(spawnSync('touch', [...opts, '-d', `@${time}`, path]).status).toBe(0);
}

/** A tree whose directory, file and symlink have mtime SECOND.999999999. */
function lateTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'preupd-mtime-'));
  mkdirSync(join(root, 'd'));
  writeFileSync(join(root, 'd/f'), 'x\n');
  symlinkSync('f', join(root, 'd/l'));
  touch(join(root, 'd/f'), `${SECOND}.999999999`);
  touch(join(root, 'd/l'), `${SECOND}.9999999`, ['-h']);
  touch(join(root, 'd'), `${SECOND}.999999999`);
  return root;
}

describe('mtime seconds', () => {
  it('lstat gives the exact seconds, in walking threads and in this thread', () => {
    const path = join(lateTree(), 'd/f');
    for (const fs of [nodeWalkFs, threadWalkFs()]) {
      const st = fs.lstat(path)!;
      expect(st.mtimeSec).toBe(SECOND);
      expect(Math.floor(st.mtimeMs / 1000)).toBe(SECOND + 1); // what was printed
    }
  });

  it('create prints the seconds of D, F and L entries, walked, as a root and with -I', () => {
    const root = lateTree();
    const walked = preupd(['manifest', 'create', '-R', root]);
    expect(walked.status).toBe(0);
    const times = (text: string) => text.split('\n').filter((l) => l.startsWith('/')).map((l) => [l.split(' ')[0], l.split(' ')[5]]);
    // A walk under bart's default rule prints no directory lines (as bart does); -I lists /d.
    expect(times(walked.stdout)).toEqual([['/d/f', HEX], ['/d/l', HEX]]);
    const listed = preupd(['manifest', 'create', '-R', root, '-I', 'd', 'd/f', 'd/l']);
    expect(times(listed.stdout)).toEqual([['/d', HEX], ['/d/f', HEX], ['/d/l', HEX]]);
    const rules = join(root, '..', `${root.split('/').pop()}.rules`);
    writeFileSync(rules, '/d/f\n');
    expect(times(preupd(['manifest', 'create', '-R', root, '-r', rules]).stdout)).toEqual([['/d/f', HEX]]);
  });

  it('diff tells SECOND.999999999 from SECOND+1 (mtime), and not from SECOND.5', () => {
    const [control, test] = [lateTree(), lateTree()];
    touch(join(test, 'd/f'), `${SECOND + 1}`);
    const changed = preupd(['diff', '-p', control, test]);
    expect([changed.status, changed.stdout]).toEqual([1, `/d/f mtime ${HEX} ${(SECOND + 1).toString(16)} \n`]);
    touch(join(test, 'd/f'), `${SECOND}.5`);
    expect(preupd(['diff', '-p', control, test])).toEqual({ status: 0, stdout: '' });
  });
});
