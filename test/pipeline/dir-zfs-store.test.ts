/**
 * The demo's directory backend imitates what the cycle relies on (spec/illumos.md §6, §8):
 * snapshots are frozen, clones start from them, promotion moves the origin and older
 * snapshots (same guid, new name), and a snapshot with dependents cannot be destroyed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirZfsStore } from '../../src/pipeline/dir-zfs-store.js';

const work = mkdtempSync(join(tmpdir(), 'preupd-dirzfs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('directory backend', () => {
  const store = new DirZfsStore(work);
  const mnt = (name: string) => join(work, 'mnt', name);

  it('snapshots freeze content; a clone starts from the snapshot, not from the live data', () => {
    store.create('p', { mountpoint: join(work, 'mnt') });
    store.create('p/a', {});
    writeFileSync(join(mnt('a'), 'f'), 'one\n');
    store.snapshot('p/a@s1', false);
    writeFileSync(join(mnt('a'), 'f'), 'two\n');
    store.snapshot('p/a@s2', false);
    store.clone('p/a@s1', 'p/b', {});
    expect(store.property('p/b', 'mountpoint')).toEqual({ value: mnt('b'), source: 'inherited from p' });
    expect(readFileSync(join(mnt('b'), 'f'), 'utf8')).toBe('one\n');
    expect(store.property('p/b', 'origin').value).toBe('p/a@s1');
  });

  it('promote moves the origin snapshot (and older) with its guid; the parent becomes the clone', () => {
    const guid = store.property('p/a@s1', 'guid').value;
    store.promote('p/b');
    expect(store.has('p/a@s1')).toBe(false);
    expect(store.property('p/b@s1', 'guid').value).toBe(guid);
    expect(store.has('p/a@s2')).toBe(true);
    expect(store.property('p/a', 'origin').value).toBe('p/b@s1');
    expect(store.property('p/b', 'origin').value).toBe('-');
  });

  it('refuses to destroy a snapshot with dependents; destroys a clone with its snapshots', () => {
    expect(() => store.destroy('p/b@s1', false)).toThrow(/dependent clones \(p\/a\)/);
    store.destroy('p/a', true);
    expect(store.names().filter((n) => n.startsWith('p/a'))).toEqual([]);
    store.destroy('p/b@s1', false);
    expect(store.snapshotsOf('p/b')).toEqual([]);
  });

  it('destroy -r of fs@snap takes that snapshot of fs and of every file system below, nothing else', () => {
    store.create('p/c', {});
    store.create('p/c/d', {});
    store.create('p/c/e', {});
    store.snapshot('p/c@s', true);
    store.snapshot('p/c@keep', true);
    store.snapshot('p/c/d@only', false);
    store.destroy('p/c/e@s', false);
    store.destroy('p/c@s', true);
    expect(store.names().filter((n) => n.startsWith('p/c'))).toEqual(['p/c', 'p/c/d', 'p/c/d@keep', 'p/c/d@only', 'p/c/e', 'p/c/e@keep', 'p/c@keep']);
  });

  it('destroy -r of fs@snap refuses, destroying nothing, when one of those snapshots has a clone', () => {
    store.clone('p/c/d@keep', 'p/f', {});
    const before = store.names();
    expect(() => store.destroy('p/c@keep', true)).toThrow(/cannot destroy 'p\/c\/d@keep': snapshot has dependent clones \(p\/f\)/);
    expect(store.names()).toEqual(before);
  });

  it('mount moves the data onto the mountpoint and back; a new process sees the saved model', () => {
    store.set('p/b', 'mountpoint', join(work, 'elsewhere'));
    expect(readFileSync(join(work, 'elsewhere', 'f'), 'utf8')).toBe('one\n');
    store.unmount('p/b');
    store.save();
    const again = new DirZfsStore(work);
    expect(again.property('p/b', 'mounted').value).toBe('no');
    again.mount('p/b');
    expect(readFileSync(join(work, 'elsewhere', 'f'), 'utf8')).toBe('one\n');
  });
});
