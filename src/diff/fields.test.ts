import { describe, expect, it } from 'vitest';
import { nameAndType, parseFields, scanName } from './fields.js';

describe('bart compare tokenisation (spec/bart.md §5.3)', () => {
  it('splits an F line into its nine fields', () => {
    expect(parseFields('/a\\040b F 6 100644 user::rw- 65e6a1f3 0 3 b1946ac9')).toEqual({
      name: '/a\\040b', type: 'F', size: '6', mode: '100644', acl: 'user::rw-', mtime: '65e6a1f3',
      uid: '0', gid: '3', contents: 'b1946ac9', devnode: '', dest: '',
    });
  });

  it('reads the last field only for the types that have one', () => {
    expect(parseFields('/d D 4 40755 - 1 0 0 extra')).toMatchObject({ contents: '', devnode: '', dest: '' });
    expect(parseFields('/c C 0 20666 - 1 0 0 103').devnode).toBe('103');
    expect(parseFields('/l L 1 120777 - 1 0 0 x').dest).toBe('x');
  });

  it('splits on any isspace run, so \\r, \\v and \\f inside a name break it (bart quirk)', () => {
    expect(nameAndType('/a\rb F 1')).toEqual({ name: '/a', type: 'b' });
    expect(nameAndType('  /a \t\v F')).toEqual({ name: '/a', type: 'F' });
  });

  it('caps fields and lets the rest of a token become the next field (bart quirk)', () => {
    const acl = `${'a'.repeat(1023)}0123456789012345678901234567890123456789012345678901234567890tail`;
    const f = parseFields(`/x F 6 100644 ${acl} 65e6a1f3 0 0 hash`);
    expect(f.acl).toHaveLength(1023);
    expect([f.mtime, f.uid, f.gid, f.contents]).toEqual([
      '0123456789012345678', '9012345678901234567', '8901234567890123456', '7890tail',
    ]);
  });

  it('takes the type from a name longer than 1023 bytes', () => {
    expect(nameAndType(`/${'n'.repeat(1022)}XYZ F`)).toEqual({ name: `/${'n'.repeat(1022)}`, type: 'X' });
  });

  it('scanName gives undefined for a blank line', () => {
    expect(scanName(' \t')).toBeUndefined();
    expect(scanName(' /a F')).toBe('/a');
  });
});
