import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMergeableText, mergeText, splitLines, TEXT_LIMIT } from './text-merge.js';

describe('mergeText (R5.2)', () => {
  it('takes each side\'s change where they do not overlap', () => {
    expect(mergeText('a\nb\nc\nd\n', 'A\nb\nc\nd\n', 'a\nb\nc\nD\n')).toBe('A\nb\nc\nD\n');
  });

  it('treats base as the common ancestor: a line only update deleted stays deleted', () => {
    expect(mergeText('a\nb\nc\n', 'a\nb\nc\nadmin\n', 'a\nc\n')).toBe('a\nc\nadmin\n');
  });

  it('reports overlapping or adjacent different changes as no merge (diff3 semantics)', () => {
    expect(mergeText('x=1\n', 'x=admin\n', 'x=update\n')).toBeUndefined();
    expect(mergeText('a\nb\n', 'A\nb\n', 'a\nB\n')).toBeUndefined();
  });

  it('keeps a missing final newline as the side that changed it left it', () => {
    expect(mergeText('a\nb\nc', 'a\nb\nc\n', 'A\nb\nc')).toBe('A\nb\nc\n');
  });

  it('merges lines as whole lines, spaces included (no word splitting)', () => {
    expect(mergeText('a b\nc d\nx\ne f\n', 'a b\nc  d\nx\ne f\n', 'a b\nc d\nx\ne  f\n')).toBe('a b\nc  d\nx\ne  f\n');
  });

  it('a side that changed nothing yields the other side\'s text exactly', () => {
    const textArb = fc.array(fc.constantFrom('a\n', 'b\n', 'c\n', 'd', ' \n', '\n'), { maxLength: 8 }).map((l) => l.join(''));
    fc.assert(fc.property(textArb, textArb, (base, other) => {
      expect(mergeText(base, base, other)).toBe(other);
      expect(mergeText(base, other, base)).toBe(other);
    }));
  });

  it('splits after each newline and keeps the unterminated tail', () => {
    expect(splitLines('a\n\nb')).toEqual(['a\n', '\n', 'b']);
    expect(splitLines('')).toEqual([]);
  });

  it('counts as text only what has no NUL and fits in 4 MiB', () => {
    expect([isMergeableText('a\n'), isMergeableText('a\0'), isMergeableText('x'.repeat(TEXT_LIMIT + 1))]).toEqual([true, false, false]);
  });
});
