import { describe, expect, it } from 'vitest';
import type { ManifestEntry } from '../manifest/entry.js';
import { mergeMetadata, sameIgnoringMtime } from './aspects.js';
import { isExcluded } from './exclusions.js';

const e = (mode: number, uid = 0, extra: Partial<ManifestEntry> = {}): ManifestEntry =>
  ({ name: '/f', type: 'F', size: 1, mode: 0o100000 | mode, acl: '-', mtime: 1, uid, gid: 0, contents: 'h', ...extra });

describe('mergeMetadata (R4)', () => {
  it.each([
    ['update changed the mode', e(0o644), e(0o644), e(0o600), 0o600, []],
    ['admin changed the mode', e(0o644), e(0o600), e(0o644), 0o600, []],
    ['both changed it alike', e(0o644), e(0o600), e(0o600), 0o600, []],
    ['both changed it differently: admin\'s, a conflict', e(0o644), e(0o600), e(0o640), 0o600, ['mode']],
    ['no base (R8): any difference is a conflict', undefined, e(0o600), e(0o640), 0o600, ['mode']],
  ] as const)('%s', (_what, base, admin, update, mode, conflicts) => {
    const merged = mergeMetadata(base, admin, update);
    expect([merged.meta.mode, merged.conflicts]).toEqual([mode, conflicts]);
  });

  it('takes each field from the side that changed it', () => {
    expect(mergeMetadata(e(0o644, 0), e(0o600, 0), e(0o644, 7)).meta).toMatchObject({ mode: 0o600, uid: 7 });
  });
});

describe('sameIgnoringMtime', () => {
  it('ignores mtime, not content or metadata', () => {
    expect(sameIgnoringMtime(e(0o644), e(0o644, 0, { mtime: 99 }))).toBe(true);
    expect(sameIgnoringMtime(e(0o644), e(0o644, 0, { contents: 'other' }))).toBe(false);
    expect(sameIgnoringMtime(e(0o644), e(0o644, 1))).toBe(false);
    expect(sameIgnoringMtime(undefined, undefined)).toBe(true);
  });
});

describe('isExcluded', () => {
  it.each([
    ['/tmp/x', ['F'], true], ['/var/pkg', ['D'], true], ['/var/pkg/lost+found/a', ['F'], true], ['/var/preupd/saved/x', ['F'], true],
    ['/dev/null', ['C'], true], ['/etc/mnttab', ['F'], true], ['/var/run.conf', ['F'], false], ['/etc/sock', [undefined, 'S'], true],
    ['/etc/door', ['O', undefined], true], ['/etc/passwd', ['F'], false],
  ] as const)('%s %j -> %s', (path, types, excluded) => {
    expect(isExcluded(path, types)).toBe(excluded);
  });

  it.each([
    ['/etc/svc/repository.db', true], ['/etc/svc/repository.db-journal', false], ['/lib/svc/method/preupd-finish-1', true],
    ['/lib/svc/method/preupd-finish-', true], ['/lib/svc/method/preupd-finish', false], ['/lib/svc/method/other', false],
  ] as const)('also %s -> %s (a path, or a name prefix ending in *)', (path, excluded) => {
    expect(isExcluded(path, ['F'], ['/etc/svc/repository.db', '/lib/svc/method/preupd-finish-*'])).toBe(excluded);
  });
});
