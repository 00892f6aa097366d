import { mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/replay/trees.js';
import { applyOp } from './apply-op.js';
import { RefusedPathError, safeTarget } from './safe-target.js';

function target() {
  const root = tempDir();
  mkdirSync(`${root}/etc`);
  writeFileSync(`${root}/etc/file`, 'x');
  const outside = tempDir('preupd-outside-');
  symlinkSync(outside, `${root}/etc/link`);
  return { root, outside };
}

describe('safeTarget', () => {
  it.each([
    ['/etc/link/passwd', 'passes through the symlink /etc/link'],
    ['/etc/link/new/deeper', 'passes through the symlink /etc/link'],
    ['/etc/file/x', '/etc/file is not a directory'],
    ['/etc/../x', 'not a clean path inside the target'],
    ['etc/x', 'not a clean path inside the target'],
    ['/etc//x', 'not a clean path inside the target'],
  ])('refuses %j: %s', (path, why) => {
    const { root } = target();
    expect(() => safeTarget(root).check(path)).toThrow(new RefusedPathError(path, why));
  });

  it('refuses to create parents through a symlink', () => {
    const { root } = target();
    expect(() => safeTarget(root).makeParents('/etc/link/a/b', () => ({ mode: 0o755 }))).toThrow(RefusedPathError);
  });

  it('replaces a symlink at the last component instead of writing through it', async () => {
    const { root, outside } = target();
    const roots = { base: root, admin: root, update: root };
    await applyOp({ op: 'put', path: '/etc/link', from: 'admin', source: '/etc/file', type: 'F', meta: { mode: 0o644, uid: 0, gid: 0, acl: '-' }, mtime: 1 },
      { target: safeTarget(root), roots, names: { stamp: '20261204T010203Z' }, crashPoint: () => {} });
    expect(() => readlinkSync(`${root}/etc/link`)).toThrow();
    expect(readFileSync(`${root}/etc/link`, 'latin1')).toBe('x');
    expect(readdirSync(outside)).toEqual([]);
  });
});
