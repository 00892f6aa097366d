import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionArb } from '../../test/ips/arbitraries.js';
import { makeAction } from './action.js';
import { formatAction, quoteValue } from './action-format.js';
import { parseAction } from './action-parse.js';
import { formatManifest, parseManifest } from './manifest.js';

describe('formatAction', () => {
  it('writes the payload first, then attributes sorted by key, lists as repeated keys', () => {
    const action = makeAction('file', [['path', 'etc/motd'], ['mode', '0644'], ['alias', 'b'], ['alias', 'a']], 'abc');
    expect(formatAction(action)).toBe('file abc alias=b alias=a mode=0644 path=etc/motd');
  });

  it('quotes like pkg: double quotes, single when the value holds a double quote', () => {
    expect(quoteValue('a b')).toBe('"a b"');
    expect(quoteValue('say "hi"')).toBe(`'say "hi"'`);
    expect(quoteValue(`it's "x"`)).toBe(`"it's \\"x\\""`);
    expect(quoteValue('')).toBe('""');
    expect(quoteValue('$(ARCH64)')).toBe('"$(ARCH64)"');
    expect(quoteValue('plain')).toBe('plain');
  });

  it('writes a payload that cannot stand bare as a hash= attribute', () => {
    const action = makeAction('license', [['license', 'x']], 'a=b');
    expect(formatAction(action)).toBe('license hash=a=b license=x');
    expect(parseAction(formatAction(action)).hash).toBe('a=b');
  });
});

describe('formatAction properties', () => {
  it('should parse back to the same action', () => {
    fc.assert(fc.property(actionArb, (action) => {
      expect(parseAction(formatAction(action))).toEqual(action);
    }));
  });

  it('should give the same actions back through a whole manifest', () => {
    fc.assert(fc.property(fc.array(actionArb, { maxLength: 5 }), (actions) => {
      const parsed = parseManifest(formatManifest(actions), { file: 'prop' });
      expect(parsed.map((a) => a.action)).toEqual(actions);
    }));
  });
});
