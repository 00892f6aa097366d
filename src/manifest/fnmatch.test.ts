import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnmatch } from './fnmatch.js';

describe('fnmatch examples (illumos libc, C locale, spec/bart.md §4.7)', () => {
  it.each([
    // [pattern, string, pathname, expected]
    ['*', '.profile', true, true], // no FNM_PERIOD: * matches leading dots
    ['*', 'a/b', true, false],
    ['*', 'a/b', false, true],
    ['/etc/*', '/etc/passwd', true, true],
    ['/etc/*', '/etc/x/passwd', true, false],
    ['a?c', 'abc', true, true],
    ['a?c', 'a/c', true, false],
    ['a?c', 'a/c', false, true],
    ['?', '', true, false],
    ['[!a]', 'b', true, true],
    ['[!a]', 'a', true, false],
    ['[^a]', 'a', true, false],
    ['[]a]', ']', true, true],
    ['[!]a]', ']', true, false],
    ['[a-c]x', 'bx', true, true],
    ['[a-c]x', 'dx', true, false],
    ['[a-]', '-', true, true],
    ['[\\]]', ']', true, true],
    ['[a\\-z]', '-', true, true],
    ['[a\\-z]', 'b', true, false],
    ['\\*', '*', true, true],
    ['\\*', 'x', true, false],
    ['a\\', 'a\\', true, true], // a trailing backslash is literal
    ['[ab', '[ab', true, true], // unterminated [ is literal
    ['[ab', 'a', true, false],
    ['[/]', '/', true, false], // / in a set never matches with FNM_PATHNAME
    ['[/]', '/', false, true],
    ['x[a/]', 'x/', true, false],
    ['*/b', 'a/b', true, true],
    ['a*/b', 'ax/b', true, true],
    ['a*/b', 'ax/y/b', true, false],
    ['*.o', 'main.o', true, true],
    ['*.o', 'main.c', true, false],
    ['SCCS/', 'SCCS/', true, true],
    ['*a*b*c', 'xxaybzzbc', true, true],
    ['*a*b*c', 'xxaybzzb', true, false],
    ['caf\xe9*', 'caf\xe9s', true, true], // bytes >= 0x80 are single characters
    ['[\x80-\xff]', '\xff', true, true],
    ['[\x80-\xff]', 'a', true, false],
    ['', '', true, true],
    ['', 'a', true, false],
  ] as const)('fnmatch(%j, %j, pathname=%s) is %s', (pattern, s, pathname, expected) => {
    expect(fnmatch(pattern, s, { pathname })).toBe(expected);
  });

  it('defaults to FNM_PATHNAME', () => {
    expect(fnmatch('*', 'a/b')).toBe(false);
  });
});

// Helpers
const alphabet = ['a', 'b', '/', '.', '-', '\xe9'];
const literalArb = fc.constantFrom(...alphabet);
const stringArb = fc.array(literalArb, { maxLength: 8 }).map((cs) => cs.join(''));
/** A well-formed bracket set over the alphabet without `/` (no escapes, no leading `]`). */
const setArb = fc
  .record({ negate: fc.boolean(), members: fc.uniqueArray(fc.constantFrom('a', 'b', '.', '\xe9'), { minLength: 1 }) })
  .map(({ negate, members }) => `[${negate ? '!' : ''}${members.join('')}]`);
const patternArb = fc
  .array(fc.oneof(literalArb, fc.constant('*'), fc.constant('?'), setArb), { maxLength: 6 })
  .map((parts) => parts.join(''));

/** A regular-expression model of glob with FNM_PATHNAME: wildcards never match `/`. */
function reference(pattern: string, s: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/[.\-\\]/g, '\\$&');
      re += body.startsWith('^') ? `(?!/)[${body}]` : `[${body}]`;
      i = end;
    } else re += c.replace(/[.\-/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(s);
}

describe('fnmatch properties', () => {
  it('a pattern without special characters matches exactly itself', () => {
    fc.assert(fc.property(stringArb, stringArb, (p, s) => fnmatch(p, s) === (p === s)));
  });

  it('agrees with a regular-expression model on *, ? and bracket sets', () => {
    fc.assert(fc.property(patternArb, stringArb, (p, s) => fnmatch(p, s) === reference(p, s)), { numRuns: 5000 });
  });

  it('a pattern matches its own string when every wildcard is replaced by what it stands for', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('*', '?', 'lit'), literalArb), { maxLength: 6 }), (parts) => {
        const pattern = parts.map(([k, c]) => (k === 'lit' ? c : k)).join('');
        const s = parts.map(([k, c]) => (k === 'lit' ? c : c === '/' ? 'x' : c)).join('');
        return fnmatch(pattern, s);
      }),
    );
  });
});
