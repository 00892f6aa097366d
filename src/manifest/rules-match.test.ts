import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntryType } from './entry.js';
import {
  ATTR,
  COMPARE_DEFAULT_FLAGS,
  addModifier,
  checkRules,
  defaultCreateRule,
  excludeFname,
  matchSubtree,
  parseRules,
  type Modifier,
  type Rule,
} from './rules.js';

function rule(subtree: string, modifiers: string[] = [], attrs: number = ATTR.all): Rule {
  const mods: Modifier[] = [];
  for (const m of modifiers) addModifier(mods, m);
  return { subtree, modifiers: mods, attrs, line: 1 };
}

describe('excludeFname (spec/bart.md §4.5)', () => {
  const nickiso = rule('/home/nickiso/src', ['!*.o', '!core', '!SCCS/']);

  it.each([
    ['/home/nickiso/src/x.o', 'F', 'skip'],
    ['/home/nickiso/src/a/core', 'F', 'skip'],
    ['/home/nickiso/src/a/SCCS', 'D', 'prune'],
    ['/home/nickiso/src/a/SCCS/s.x', 'F', 'skip'],
    ['/home/nickiso/src/SCCS', 'D', 'prune'],
    ['/home/nickiso/src/SCCSX', 'D', 'none'],
    ['/home/nickiso/src/y.o', 'D', 'none'], // a directory named y.o is kept
    ['/home/nickiso/src/a/main.c', 'F', 'none'],
    ['/home/nickiso/src', 'D', 'none'],
  ] as const)('the man-page rule on %s (%s) gives %s', (path, type, expected) => {
    expect(excludeFname(path, type, nickiso)).toBe(expected);
  });

  it('the default rule skips every directory and keeps everything else', () => {
    const r = defaultCreateRule('', ATTR.contents);
    expect(excludeFname('/', 'D', r)).toBe('skip');
    expect(excludeFname('/etc', 'D', r)).toBe('skip');
    for (const t of ['F', 'L', 'P', 'S', 'B', 'C', 'O', '-'] as const) expect(excludeFname('/etc/x', t, r)).toBe('none');
  });

  it('a rule without modifiers keeps everything unless no attribute is left (bart quirk §3.5)', () => {
    expect(excludeFname('/var/x', 'F', rule('/var'))).toBe('none');
    expect(excludeFname('/var/x', 'F', rule('/var', [], 0))).toBe('prune');
  });

  it('an include file pattern with slashes matches the last components', () => {
    const r = rule('/', ['SCCS/*.c']);
    expect(excludeFname('/a/SCCS/x.c', 'F', r)).toBe('none');
    expect(excludeFname('/a/b/x.c', 'F', r)).toBe('skip');
    expect(excludeFname('/x.c', 'F', r)).toBe('skip'); // fewer levels than the pattern
  });

  it('a ../ pattern needs at least one more level above', () => {
    const r = rule('/', ['../b/*.c']);
    expect(excludeFname('/a/b/x.c', 'F', r)).toBe('none');
    expect(excludeFname('/a/c/x.c', 'F', r)).toBe('skip');
  });

  it('an include directory pattern is anchored at the subtree', () => {
    const r = rule('/r', ['bin/']);
    expect(excludeFname('/r/bin', 'D', r)).toBe('none');
    expect(excludeFname('/r/bin/ls', 'F', r)).toBe('none');
    expect(excludeFname('/r/lib', 'D', r)).toBe('skip'); // last component, no match: skip
    expect(excludeFname('/r/lib/bin', 'D', r)).toBe('prune');
    expect(excludeFname('/r/ls', 'F', r)).toBe('skip');
    expect(excludeFname('/r', 'D', r)).toBe('skip');
  });

  it('a two-level include directory pattern lets the path above it through', () => {
    const r = rule('/r', ['a/b/']);
    // Too short to decide: kept, and walked into.
    expect(excludeFname('/r/a', 'D', r)).toBe('none');
    expect(excludeFname('/r/c', 'D', r)).toBe('none');
    expect(excludeFname('/r', 'D', r)).toBe('none');
    expect(excludeFname('/r/c/d', 'D', r)).toBe('skip');
    expect(excludeFname('/r/a/b', 'D', r)).toBe('none');
    expect(excludeFname('/r/a/b/f', 'F', r)).toBe('none');
  });

  it('measures the path from the subtree by length, even for a glob subtree (bart quirk)', () => {
    // "/h*" is 3 bytes long, so "/home/SCCS" is seen as "me/SCCS".
    expect(excludeFname('/home/SCCS', 'D', rule('/h*', ['!SCCS/']))).toBe('prune');
    expect(excludeFname('/home/xSCCS', 'D', rule('/hom*', ['!SCCS/']))).toBe('none');
  });
});

describe('matchSubtree (spec/bart.md §4.6)', () => {
  it.each([
    ['/etc', '/etc', true],
    ['/etc', '/etc/passwd', true],
    ['/etc', '/etcx', false],
    ['/etc', '/', false],
    ['/', '/anything/at/all', true],
    ['/var/', '/var', false],
    ['/var/', '/var/log', true],
    ['/home/n*', '/home/nick/x', true],
    ['/home/n*', '/home/bob/x', false],
    ['/', 'relative', false],
  ] as const)('subtree %s on %s is %s', (subtree, name, expected) => {
    expect(matchSubtree(name, rule(subtree))).toBe(expected);
  });
});

describe('checkRules', () => {
  const { rules } = parseRules('/\nCHECK all\n/etc\nIGNORE contents\n/etc/skip\nIGNORE all\n', {
    mode: 'compare',
    initialFlags: COMPARE_DEFAULT_FLAGS,
  });

  it('takes the last matching rule', () => {
    expect(checkRules(rules, '/etc/passwd', 'F')?.subtree).toBe('/etc');
    expect(checkRules(rules, '/usr/x', 'F')?.subtree).toBe('/');
  });

  it('passes over an IGNORE all subtree without modifiers (bart quirk §4.6)', () => {
    expect(checkRules(rules, '/etc/skip/x', 'F')?.subtree).toBe('/etc');
  });

  it('finds no rule for a directory when only R0 could match', () => {
    expect(checkRules(rules.slice(0, 1), '/etc', 'D')).toBeUndefined();
    expect(checkRules(rules.slice(0, 1), '/etc/passwd', 'F')).toBe(rules[0]);
  });

  it('R0 applies to every non-directory absolute path', () => {
    const r0 = rules.slice(0, 1);
    const nameArb = fc.array(fc.stringMatching(/^[^/]{1,6}$/), { minLength: 1, maxLength: 5 }).map((c) => `/${c.join('/')}`);
    const typeArb = fc.constantFrom<EntryType>('F', 'L', 'P', 'S', 'B', 'C', 'O', '-');
    fc.assert(fc.property(nameArb, typeArb, (name, type) => checkRules(r0, name, type) === r0[0]));
  });
});
