import { describe, expect, it } from 'vitest';
import { attr, attrList } from './action.js';
import { ActionSyntaxError, parseAction } from './action-parse.js';

/** Attributes as a plain object, for readable expectations. */
function attrsOf(text: string): Record<string, unknown> {
  return Object.fromEntries(parseAction(text).attrs);
}

function failure(text: string): ActionSyntaxError {
  try {
    parseAction(text);
  } catch (err) {
    if (err instanceof ActionSyntaxError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseAction: the accepted cases of spec/illumos.md §1.1', () => {
  it('takes the first bare token of a file action as its payload hash', () => {
    const action = parseAction('file 12345 path=usr/bin/foo mode=0755');
    expect(action.hash).toBe('12345');
    expect(attrsOf('file 12345 path=usr/bin/foo mode=0755')).toEqual({ path: 'usr/bin/foo', mode: '0755' });
  });

  it('concatenates adjacent quoted strings into one value', () => {
    expect(attrsOf('set name=x value="a b" "c d"').value).toBe('a bc d');
    expect(attrsOf("set name=x value='it''s'").value).toBe('its');
  });

  it('removes the backslash only before a backslash or the same quote', () => {
    expect(attrsOf('set name=x value="say \\"hi\\""').value).toBe('say "hi"');
    expect(attrsOf('set name=x value="keep\\nthis"').value).toBe('keep\\nthis');
    expect(attrsOf('set name=x value="a\\\\b"').value).toBe('a\\b');
    expect(attrsOf(`set name=x value='say "hi"'`).value).toBe('say "hi"');
  });

  it('ends a key at the first = and keeps quotes and backslashes in unquoted values', () => {
    expect(attrsOf('set name=x value=a=b').value).toBe('a=b');
    expect(attrsOf('set name=foo"bar"baz value=foo\\').name).toBe('foo"bar"baz');
    expect(attrsOf('set name=foo"bar"baz value=foo\\').value).toBe('foo\\');
  });

  it('accepts an empty quoted value', () => {
    expect(attrsOf('set name=x value=""').value).toBe('');
  });

  it('turns repeated keys into a list in file order', () => {
    expect(attrList(parseAction('set name=x value=a value=b value=c'), 'value')).toEqual(['a', 'b', 'c']);
  });

  it('expands the set shorthand name=value', () => {
    expect(attrsOf('set pkg.obsolete=true')).toEqual({ name: 'pkg.obsolete', value: 'true' });
  });

  it('strips the leading slash of path', () => {
    expect(attr(parseAction('dir path=/etc/ssh mode=0755'), 'path')).toBe('etc/ssh');
  });

  it('accepts tabs and newlines as separators and a matching hash= attribute', () => {
    const action = parseAction('file\tabc\nhash=abc path=a');
    expect(action.hash).toBe('abc');
    expect(action.attrs.has('hash')).toBe(false);
  });

  it('parses every action type pkg knows', () => {
    for (const line of [
      'set name=a value=b', 'depend fmri=pkg:/a type=require', 'group groupname=g gid=5',
      'user username=u group=g', 'dir path=d', 'file path=f', 'hardlink path=h target=f',
      'link path=l target=f', 'driver name=drv alias=pci1', 'unknown path=u',
      'license lic license=lic', 'legacy pkg=SUNWx', 'signature abc value=sig',
    ]) {
      expect(parseAction(line).type).toBe(line.split(' ')[0]);
    }
  });
});

describe('parseAction: the rejected cases, worded as pkg words them', () => {
  const table: Array<[string, ActionSyntaxError['kind'], string]> = [
    ['file abc hash=xyz path=foo', 'invalid', 'hash attribute not identical to positional hash'],
    ['dir 123 path=foo', 'invalid', "action type doesn't allow payload"],
    ['set name =x', 'invalid', "action type doesn't allow payload"],
    ['dir hash=1 path=foo', 'invalid', "action type doesn't allow payload"],
    ['set name=x value=', 'malformed', 'missing value'],
    ['set name=x value= path=y', 'malformed', 'missing value'],
    ['file 1 2 path=x', 'malformed', 'whitespace in key'],
    ['set name=x bare value=y', 'malformed', 'whitespace in key'],
    ['set name=x =y', 'malformed', 'missing key'],
    ['set name=x va"l=y', 'malformed', 'quote in key'],
    ['set name=x value="open', 'malformed', 'unfinished quoted value'],
    ['set name=x value="open\\', 'malformed', 'unfinished quoted value'],
    ['set name=x value', 'malformed', 'missing value'],
    ['file', 'malformed', 'no attributes'],
    ['set data=x', 'invalid', "invalid key: 'data'"],
    ['frob path=x', 'unknown', "unknown action type 'frob'"],
    ['file path=a path=b', 'invalid', "'path' attribute specified multiple times"],
    ['file mode=0644', 'invalid', "missing key attribute 'path'"],
    ['set name=x foo=y', 'invalid', 'Missing "name" or "value" attribute'],
  ];
  it.each(table)('%s -> %s: %s', (text, kind, reason) => {
    const err = failure(text);
    expect([err.kind, err.reason]).toEqual([kind, reason]);
  });

  it('reports where a malformed action went wrong', () => {
    expect(failure('file 1 2 path=x').position).toBe(8);
    expect(failure('file 1 2 path=x').message).toBe('malformed action at position 8: whitespace in key');
  });
});
