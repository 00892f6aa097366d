import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commonDirectory, enterBase, relativeToBase, setWalkBase } from './base-directory.js';
import { threadWalkFs } from './walk-fs.js';

const start = process.cwd();
const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), 'preupd-base-')));

afterEach(() => {
  setWalkBase(undefined);
  process.chdir(start);
});

describe('commonDirectory', () => {
  it('is the longest directory above or at every path, by whole names', () => {
    expect(commonDirectory(['/var/tmp/a', '/var/tmp/b/c'])).toBe('/var/tmp');
    expect(commonDirectory(['/var/tmp/ab', '/var/tmp/a'])).toBe('/var/tmp');
    expect(commonDirectory(['/a/b', '/a/b/'])).toBe('/a/b');
    expect(commonDirectory(['/a', '/b'])).toBe('/');
    expect(commonDirectory(['/x/y'])).toBe('/x/y');
  });
});

describe('enterBase', () => {
  it('moves the process to the common directory, one holder at a time, and back', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const held = enterBase([join(dir, 'a'), join(dir, 'b')]);
    expect(held?.dir).toBe(dir);
    expect(process.cwd()).toBe(dir);
    expect(enterBase([join(dir, 'a')])).toBeUndefined();
    held!.leave();
    held!.leave();
    expect(process.cwd()).toBe(start);
    enterBase([join(dir, 'a')])!.leave();
    rmSync(dir, { recursive: true });
  });

  it.each([
    ['a base of /', ['/tmp', '/usr']],
    ['a relative root', ['x/a', 'x/b']],
    ['a base with bytes above 0x7f', ['/tmp/caf\xe9/a', '/tmp/caf\xe9/b']],
    ['a base that cannot be entered', ['/nonexistent/a', '/nonexistent/b']],
  ])('declines %s', (_, roots) => {
    expect(enterBase(roots)).toBeUndefined();
    expect(process.cwd()).toBe(start);
  });

  it('goes to / when the directory it came from is gone', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'from'));
    mkdirSync(join(dir, 'walked'));
    process.chdir(join(dir, 'from'));
    const held = enterBase([join(dir, 'walked')])!;
    rmSync(join(dir, 'from'), { recursive: true });
    held.leave();
    expect(process.cwd()).toBe('/');
    rmSync(dir, { recursive: true });
  });
});

describe('relativeToBase', () => {
  it('makes a walking thread resolve paths below the base from the process directory', () => {
    // The process sits in a decoy holding the same relative name: what lstat sees tells
    // which path the kernel got.
    const [real, decoy] = [tmp(), tmp()];
    writeFileSync(join(real, 'f'), 'real');
    writeFileSync(join(decoy, 'f'), 'decoy!');
    process.chdir(decoy);
    const fs = threadWalkFs();
    expect(fs.lstat(join(real, 'f'))?.size).toBe(4);
    setWalkBase(real);
    expect(fs.lstat(join(real, 'f'))?.size).toBe(6);
    expect(fs.lstat(real)?.ino).toBe(threadWalkFs().lstat(real)?.ino);
    rmSync(real, { recursive: true });
    rmSync(decoy, { recursive: true });
  });

  it('leaves whole the paths of PATH_MAX bytes or more, and paths outside the base', () => {
    setWalkBase('/b');
    const max = process.platform === 'linux' ? 4096 : 1024;
    expect(relativeToBase('/b/x')).toBe('x');
    expect(relativeToBase('/bx/y')).toBe('/bx/y');
    expect(relativeToBase('/b/' + 'x'.repeat(max - 4))).toBe('x'.repeat(max - 4));
    expect(relativeToBase('/b/' + 'x'.repeat(max - 3))).toBe('/b/' + 'x'.repeat(max - 3));
    setWalkBase(undefined);
    expect(relativeToBase('/b/x')).toBe('/b/x');
  });
});
