import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyDbTextArb } from '../../test/ips/account-arbitraries.js';
import { ACCOUNT_DB_KINDS, formatAccountDb, parseAccountDb } from './account-db.js';

const passwd = [
  'root:x:0:0:Super-User:/root:/usr/bin/bash',
  '# a comment',
  '+@admins::::::',
  '-baduser',
  '',
  'broken:line',
  'daemon:x:1:1::/:',
].join('\n') + '\n';

describe('parseAccountDb', () => {
  it('understands records and keeps comments, NIS lines, blank and odd lines verbatim', () => {
    const db = parseAccountDb('passwd', passwd);
    expect(db.lines.map((l) => (l.kind === 'record' ? `record ${l.key}` : 'verbatim'))).toEqual([
      'record root', 'verbatim', 'verbatim', 'verbatim', 'verbatim', 'verbatim', 'record daemon',
    ]);
    expect(db.lines[0]).toMatchObject({ fields: ['root', 'x', '0', '0', 'Super-User', '/root', '/usr/bin/bash'] });
    expect(formatAccountDb(db)).toBe(passwd);
  });

  it('splits user_attr on unescaped colons only', () => {
    const line = 'adm::::profiles=Log Management;auths=solaris.x\\:y';
    const [record] = parseAccountDb('user_attr', line).lines;
    expect(record).toMatchObject({ kind: 'record', key: 'adm' });
    expect(record?.kind === 'record' && record.fields[4]).toBe('profiles=Log Management;auths=solaris.x\\:y');
  });

  it('reads ftpusers as one name per line and project as six fields', () => {
    expect(parseAccountDb('ftpusers', 'root\n# x\nbin\n').lines.map((l) => l.kind)).toEqual(['record', 'verbatim', 'record']);
    expect(parseAccountDb('project', 'system:0::::\nuser.root:1::::').lines.map((l) => l.kind)).toEqual(['record', 'record']);
    expect(parseAccountDb('group', 'staff::10:\n').lines[0]).toMatchObject({ kind: 'record', key: 'staff' });
  });

  it('keeps a missing final newline', () => {
    expect(formatAccountDb(parseAccountDb('group', 'sys::3:root'))).toBe('sys::3:root');
    expect(formatAccountDb(parseAccountDb('group', ''))).toBe('');
  });
});

describe('account database properties', () => {
  it('should give back any text byte for byte, for every database', () => {
    fc.assert(fc.property(fc.constantFrom(...ACCOUNT_DB_KINDS), anyDbTextArb, (kind, text) => {
      expect(formatAccountDb(parseAccountDb(kind, text))).toBe(text);
    }));
  });
});
