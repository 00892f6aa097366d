import { describe, expect, it } from 'vitest';
import { parseAction } from './action-parse.js';
import { buildPathIndex, preserveOf } from './path-index.js';

const deliver = (fmri: string, line: string) => ({ fmri, action: parseAction(line) });

describe('buildPathIndex', () => {
  it('lets overlay=true govern an overlay=allow file whatever the order', () => {
    const allow = deliver('pkg:/a', 'file 1 path=etc/x overlay=allow preserve=true');
    const over = deliver('pkg:/b', 'file 2 path=etc/x overlay=true preserve=renamenew');
    for (const order of [[allow, over], [over, allow]]) {
      const entry = buildPathIndex(order).get('etc/x');
      expect([entry?.fmri, entry?.overlaid?.fmri, preserveOf(buildPathIndex(order), '/etc/x')]).toEqual(['pkg:/b', 'pkg:/a', 'renamenew']);
    }
  });

  it('does not treat an overlay=allow file without preserve as overlaid (pkg refuses the pair)', () => {
    const entry = buildPathIndex([
      deliver('pkg:/a', 'file 1 path=etc/x overlay=allow'),
      deliver('pkg:/b', 'file 2 path=etc/x overlay=true'),
    ]).get('etc/x');
    expect([entry?.fmri, entry?.overlaid, entry?.others.map((d) => d.fmri)]).toEqual(['pkg:/a', undefined, ['pkg:/b']]);
  });

  it('indexes only path actions, and preserve only of files', () => {
    const index = buildPathIndex([
      deliver('pkg:/a', 'dir path=etc preserve=true'),
      deliver('pkg:/a', 'user username=u group=g'),
      deliver('pkg:/a', 'link path=etc/l target=x'),
    ]);
    expect([...index.keys()]).toEqual(['etc', 'etc/l']);
    expect(preserveOf(index, 'etc')).toBeUndefined();
  });

  // Bug: tree paths are byte strings, the index manifest text: etc/café.conf found nothing.
  it('finds the preserve of a non-ASCII path named by its bytes, as trees name it', () => {
    const index = buildPathIndex([deliver('pkg:/a', 'file 1 path=etc/café.conf preserve=renamenew')]);
    expect(preserveOf(index, Buffer.from('/etc/café.conf').toString('latin1'))).toBe('renamenew');
  });
});
