import { describe, expect, it } from 'vitest';
import { ATTR, COMPARE_DEFAULT_FLAGS, parseRules } from '../manifest/rules.js';
import { evaluateDifferences } from './evaluate.js';

const A = 'user::rw-,group::r--,mask:r--,other:r--';
const line = (name: string, type: string, mtime: string, rest = '', size = '0', mode = '100644') =>
  `${name} ${type} ${size} ${mode} ${A} ${mtime} 0 0${rest ? ` ${rest}` : ''}`;
const rulesOf = (text: string, flags = COMPARE_DEFAULT_FLAGS) => parseRules(text, { mode: 'compare', initialFlags: flags }).rules;
const R0 = rulesOf('');
const keywords = (c: string, t: string, rules = R0, flags = COMPARE_DEFAULT_FLAGS) =>
  evaluateDifferences(c, t, rules, flags).map((x) => x.attribute);

describe('evaluateDifferences (spec/bart.md §5.5)', () => {
  it('reports in bart order with control and test values', () => {
    const c = line('/f', 'F', '1', 'aaaa', '6', '100644');
    const t = line('/f', 'F', '2', 'bbbb', '7', '100755').replace(' 0 0 ', ' 5 6 ');
    expect(evaluateDifferences(c, t, R0, COMPARE_DEFAULT_FLAGS)).toEqual([
      { attribute: 'size', control: '6', test: '7' },
      { attribute: 'mode', control: '100644', test: '100755' },
      { attribute: 'mtime', control: '1', test: '2' },
      { attribute: 'uid', control: '0', test: '5' },
      { attribute: 'gid', control: '0', test: '6' },
      { attribute: 'contents', control: 'aaaa', test: 'bbbb' },
    ]);
  });

  it('applies the time rules per type (bart quirk)', () => {
    // Directories have no rule by default (R0 skips them): global flags, dirmtime off.
    expect(keywords(line('/d', 'D', '1'), line('/d', 'D', '2'))).toEqual([]);
    expect(keywords(line('/l', 'L', '1', 'x'), line('/l', 'L', '2', 'x'))).toEqual(['lnmtime']);
    for (const type of ['P', 'S', 'O', '-']) expect(keywords(line('/p', type, '1'), line('/p', type, '2'))).toEqual([]);
    expect(keywords(line('/b', 'B', '1', '7'), line('/b', 'B', '2', '7'))).toEqual([]);
    const all = rulesOf('/\nCHECK all\n');
    expect(keywords(line('/d', 'D', '1'), line('/d', 'D', '2'), all)).toEqual(['dirmtime']);
    // CHECK dirmtime alone does nothing once mtime is off; IGNORE mtime silences lnmtime.
    const noMtime = rulesOf('/\nIGNORE mtime\nCHECK dirmtime\n');
    expect(keywords(line('/d', 'D', '1'), line('/d', 'D', '2'), noMtime)).toEqual([]);
    expect(keywords(line('/l', 'L', '1', 'x'), line('/l', 'L', '2', 'x'), noMtime)).toEqual([]);
  });

  it('reports a type change with plain mtime and the last field the other type lacks', () => {
    expect(evaluateDifferences(line('/x', 'C', '1', '103'), line('/x', 'F', '2', 'aaaa'), R0, COMPARE_DEFAULT_FLAGS)).toEqual([
      { attribute: 'type', control: 'C', test: 'F' },
      { attribute: 'mtime', control: '1', test: '2' },
      { attribute: 'devnode', control: '103', test: '' },
      { attribute: 'contents', control: '', test: 'aaaa' },
    ]);
  });

  it('takes the flags of the rule for the control entry, else the global flags', () => {
    const rules = rulesOf('IGNORE uid\n/etc\nIGNORE contents\n');
    const c = line('/etc/x', 'F', '1', 'aaaa').replace(' 0 0 ', ' 1 0 ');
    expect(keywords(c, line('/etc/x', 'F', '1', 'bbbb'), rules)).toEqual([]);
    expect(keywords(c.replace('/etc/x', '/usr/x'), line('/usr/x', 'F', '1', 'bbbb'), rules)).toEqual(['uid', 'contents']);
    const noUid = (COMPARE_DEFAULT_FLAGS & ~ATTR.uid) >>> 0;
    expect(keywords(line('/d', 'D', '1').replace(' 0 0', ' 1 0'), line('/d', 'D', '1'), R0, noUid)).toEqual([]);
  });

  it('ignores differences in whitespace and in fields that are not compared', () => {
    expect(keywords(line('/d', 'D', '1', 'junk'), line('/d', 'D', '1').replace(/ /g, '  '))).toEqual([]);
  });
});
