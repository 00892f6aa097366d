import { describe, expect, it } from 'vitest';
import {
  ATTR,
  COMPARE_DEFAULT_FLAGS,
  SYNTAX_ABORT,
  defaultCreateRule,
  parseKeywordList,
  parseRules,
  type SubtreeExpansion,
} from './rules.js';

const compare = (text: string, initialFlags = COMPARE_DEFAULT_FLAGS) => parseRules(text, { mode: 'compare', initialFlags });
const subtrees = (text: string) => compare(text).rules.map((r) => r.subtree);

describe('parseRules: compare', () => {
  it('puts R0 (/ with the file pattern *) first, with the starting flags', () => {
    const { rules } = compare('');
    expect(rules).toEqual([
      { subtree: '/', modifiers: [{ pattern: '*', include: true, isDir: false }], attrs: COMPARE_DEFAULT_FLAGS, line: 0 },
    ]);
  });

  it('global directives change the flags of later rules but not R0 (case 11)', () => {
    const { rules } = compare('IGNORE mtime\n\n/\nIGNORE all\nCHECK add delete type\n/etc\nCHECK all\nIGNORE contents\n');
    expect(rules.map((r) => [r.subtree, r.attrs])).toEqual([
      ['/', COMPARE_DEFAULT_FLAGS],
      ['/', ATTR.add | ATTR.delete | ATTR.type],
      ['/etc', (ATTR.all & ~ATTR.contents) >>> 0],
    ]);
  });

  it('without global directives the first block also changes R0 (bart quirk, case 16)', () => {
    const { rules } = compare('/var\nIGNORE uid mtime\n');
    const expected = (COMPARE_DEFAULT_FLAGS & ~(ATTR.uid | ATTR.mtime)) >>> 0;
    expect(rules.map((r) => r.attrs)).toEqual([expected, expected]);
  });

  it('a directive applies from the block start to the end of the list', () => {
    const { rules } = compare('CHECK\n/a\n/b\nIGNORE uid\n/c\n/d\nIGNORE gid\n');
    expect(rules.map((r) => [r.subtree, r.attrs & (ATTR.uid | ATTR.gid)])).toEqual([
      ['/', ATTR.uid | ATTR.gid],
      ['/a', ATTR.gid],
      ['/b', ATTR.gid],
      ['/c', ATTR.uid],
      ['/d', ATTR.uid],
    ]);
  });

  it('keeps a subtree as written, trailing slash and globs included', () => {
    expect(subtrees('/var/\n/home/n*\n')).toEqual(['/', '/var/', '/home/n*']);
  });

  it('orders modifiers as add_modifier does: negated directory patterns first, reversed', () => {
    const [, rule] = compare('/src *.c !a/ !*.o !b/ inc/ # comment !c/\n').rules;
    expect(rule!.modifiers.map((m) => `${m.include ? '' : '!'}${m.pattern}`)).toEqual(['!b/', '!a/', '*.c', '!*.o', 'inc/']);
    expect(rule!.modifiers.map((m) => m.isDir)).toEqual([true, true, false, false, true]);
  });

  it('records the line where each subtree was written', () => {
    expect(compare('# x\n\n/a\n/b \\\n c\n/d\n').rules.map((r) => r.line)).toEqual([0, 3, 4, 6]);
  });

  it('echoes syntax-error lines with every token and aborts at the end (case 13)', () => {
    const text =
      '# directives are case-sensitive, keywords are not\nCHECK ALL\nIGNORE Mtime\nINGORE dirmtime   # typo\n' +
      '/etc\ncheck contents\nrelative/path *.conf\nCHECK "mode" \'uid\'\n';
    const parsed = compare(text);
    expect(parsed.fatal).toBe('syntax');
    expect(parsed.diagnostics.map((d) => [d.line, d.kind])).toEqual([
      [4, 'syntax'],
      [6, 'syntax'],
      [7, 'syntax'],
    ]);
    expect(parsed.stderr.join('')).toBe(
      'ERROR: Ignoring rules syntax error: INGORE\n dirmtime # typo\n' +
        'ERROR: Ignoring rules syntax error: check\n contents\n' +
        'ERROR: Ignoring rules syntax error: relative/path\n *.conf\n' +
        SYNTAX_ABORT,
    );
  });

  it('stops at an unknown keyword (case 14 wording)', () => {
    const parsed = compare('BAD x\nCHECK all\n/etc\n/usr\nIGNORE contents mtimes acl\n/var\n');
    expect(parsed.fatal).toBe('unknown-keyword');
    expect(parsed.stderr).toEqual(['ERROR: Ignoring rules syntax error: BAD\n x\n', 'ERROR: Ignoring rules syntax error: mtimes\n']);
    // contents was applied before the bad keyword, /var was never read
    expect(parsed.rules.map((r) => r.subtree)).toEqual(['/', '/etc', '/usr']);
    expect(parsed.rules[2]!.attrs & ATTR.contents).toBe(0);
  });

  it('accepts keywords in any case, directives only in upper case', () => {
    expect(compare('/a\nIGNORE MTIME Uid\n').rules[1]!.attrs & (ATTR.mtime | ATTR.uid)).toBe(0);
    expect(compare('Ignore mtime\n').fatal).toBe('syntax');
  });
});

describe('parseRules: create', () => {
  const expander = (table: Record<string, SubtreeExpansion>) => (full: string) =>
    table[full] ?? { paths: [], messages: [`WARNING: Ignoring invalid subtree: ${full}\n`] };

  it('has no default rule when a rules file is given; the first expansion alone gets the flags', () => {
    const parsed = parseRules('/d* *.c\nCHECK mode\n', {
      mode: 'create',
      initialFlags: ATTR.contents,
      relocRoot: '/r',
      expandSubtree: expander({ '/r/d*': { paths: ['/r/d1', '/r/d2'], messages: [] } }),
    });
    expect(parsed.rules.map((r) => [r.subtree, r.attrs, r.modifiers.length])).toEqual([
      ['/r/d1', ATTR.contents | ATTR.mode, 1],
      ['/r/d2', ATTR.mode, 1],
    ]);
    expect(parsed.invalidSubtree).toBe(false);
  });

  it('reports a failed expansion, which then starts a block of no rules', () => {
    const parsed = parseRules('/a\nIGNORE uid\n/missing\n/b\nIGNORE gid\n', {
      mode: 'create',
      initialFlags: ATTR.all,
      relocRoot: '',
      expandSubtree: expander({ '/a': { paths: ['/a'], messages: [] }, '/b': { paths: ['/b'], messages: [] } }),
    });
    expect(parsed.invalidSubtree).toBe(true);
    expect(parsed.stderr).toEqual(['WARNING: Ignoring invalid subtree: /missing\n']);
    expect(parsed.expansionMessages).toEqual(parsed.stderr);
    // /b started a new block because the NULL rule of /missing left block_begin empty.
    expect(parsed.rules.map((r) => [r.subtree, r.attrs])).toEqual([
      ['/a', (ATTR.all & ~ATTR.uid) >>> 0],
      ['/b', (ATTR.all & ~ATTR.gid) >>> 0],
    ]);
  });

  it('defaultCreateRule is the root with the file pattern *', () => {
    expect(defaultCreateRule('', 0)).toMatchObject({ subtree: '/', attrs: 0, modifiers: [{ pattern: '*', include: true, isDir: false }] });
    expect(defaultCreateRule('/export/demo', ATTR.contents).subtree).toBe('/export/demo');
  });
});

describe('parseKeywordList (compare -i)', () => {
  it('clears keywords case-insensitively and reports unknown ones (case 10)', () => {
    const first = parseKeywordList('mtime,CONTENTS', COMPARE_DEFAULT_FLAGS);
    const second = parseKeywordList('Dest,bogus,uid', first.flags);
    expect(second.flags).toBe((COMPARE_DEFAULT_FLAGS & ~(ATTR.mtime | ATTR.contents | ATTR.dest | ATTR.uid)) >>> 0);
    expect([...first.messages, ...second.messages]).toEqual(['ERROR: Invalid keyword bogus\n']);
  });

  it('skips empty items as strtok does', () => {
    expect(parseKeywordList(',,uid,', ATTR.all)).toEqual({ flags: (ATTR.all & ~ATTR.uid) >>> 0, messages: [] });
  });
});
