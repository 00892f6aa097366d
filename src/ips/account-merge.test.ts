import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyDbTextArb, applyEdits, disjointEditsArb, passwdArb } from '../../test/ips/account-arbitraries.js';
import { ACCOUNT_DB_KINDS } from './account-db.js';
import { mergeAccountDb } from './account-merge.js';

const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

describe('mergeAccountDb', () => {
  const base = lines('root:x:0:0:Super-User:/root:/bin/sh', '+@nis::::::', 'daemon:x:1:1::/:', 'bin:x:2:2::/usr/bin:');

  it('merges record by record: admin edits, update adds and deletes', () => {
    const admin = lines('root:x:0:0:Super-User:/root:/usr/bin/bash', '+@nis::::::', 'daemon:x:1:1::/:', 'bin:x:2:2::/usr/bin:', 'alice:x:100:10::/home/alice:');
    const update = lines('root:x:0:0:Super-User:/root:/bin/sh', '+@nis::::::', 'bin:x:2:2::/usr/bin:', 'smmsp:x:25:25::/:');
    expect(mergeAccountDb('passwd', base, admin, update)).toEqual({
      text: lines('root:x:0:0:Super-User:/root:/usr/bin/bash', '+@nis::::::', 'bin:x:2:2::/usr/bin:', 'alice:x:100:10::/home/alice:', 'smmsp:x:25:25::/:'),
      conflicts: [],
    });
  });

  it('merges field by field and gives a field both changed to admin, reporting it', () => {
    const admin = lines('root:x:0:0:Admin:/root:/usr/bin/bash', '+@nis::::::', 'daemon:x:1:1::/:', 'bin:x:2:2::/usr/bin:');
    const update = lines('root:x:0:0:Super-User:/var/root:/bin/ksh', '+@nis::::::', 'daemon:x:1:1::/:', 'bin:x:2:2::/usr/bin:');
    const merged = mergeAccountDb('passwd', base, admin, update);
    expect(merged.text.split('\n')[0]).toBe('root:x:0:0:Admin:/var/root:/usr/bin/bash');
    expect(merged.conflicts).toEqual([
      { key: 'root', field: 'login-shell', reason: 'both changed the field', values: { base: '/bin/sh', admin: '/usr/bin/bash', update: '/bin/ksh' } },
    ]);
  });

  it('keeps admin’s choice when one side deleted a record the other changed', () => {
    const admin = lines('+@nis::::::', 'daemon:x:1:1::/:', 'bin:x:2:2::/usr/bin:');
    const update = lines('root:x:0:0:Super-User:/root:/bin/ksh', '+@nis::::::', 'daemon:x:1:1::/:');
    const adminChangesBin = admin.replace('/usr/bin:', '/opt/bin:');
    const merged = mergeAccountDb('passwd', base, adminChangesBin, update);
    expect(merged.text).toBe(lines('+@nis::::::', 'daemon:x:1:1::/:', 'bin:x:2:2::/opt/bin:'));
    expect(merged.conflicts.map((c) => [c.key, c.reason])).toEqual([
      ['root', 'admin deleted it, update changed it'],
      ['bin', 'update deleted it, admin changed it'],
    ]);
  });

  it('merges group member lists as sets', () => {
    const merged = mergeAccountDb('group', 'sys::3:root,bin\n', 'sys::3:root,bin,alice\n', 'sys::3:root,smmsp\n');
    expect(merged).toEqual({ text: 'sys::3:root,alice,smmsp\n', conflicts: [] });
  });

  it('never shows shadow passwords in conflicts', () => {
    const merged = mergeAccountDb('shadow', 'u:old:1::::::\n', 'u:admin:1::::::\n', 'u:pkg:1::::::\n');
    expect(merged.text).toBe('u:admin:1::::::\n');
    expect(merged.conflicts).toEqual([{ key: 'u', field: 'password', reason: 'both changed the field' }]);
  });
});

describe('mergeAccountDb properties', () => {
  it('should give admin’s text when update changed nothing', () => {
    fc.assert(fc.property(fc.constantFrom(...ACCOUNT_DB_KINDS), anyDbTextArb, anyDbTextArb, (kind, base, admin) => {
      expect(mergeAccountDb(kind, base, admin, base).text).toBe(admin);
    }));
  });

  it('should give update’s text when admin changed nothing', () => {
    fc.assert(fc.property(fc.constantFrom(...ACCOUNT_DB_KINDS), anyDbTextArb, anyDbTextArb, (kind, base, update) => {
      expect(mergeAccountDb(kind, base, base, update).text).toBe(update);
    }));
  });

  const scenarioArb = passwdArb.chain((base) => disjointEditsArb(base.users).map((edits) => ({ base, edits })));

  it('should keep every change made on one side only', () => {
    fc.assert(fc.property(scenarioArb, ({ base, edits: [adminEdits, updateEdits] }) => {
      const baseText = base.lines.map((l) => l + '\n').join('');
      const merged = mergeAccountDb('passwd', baseText, applyEdits(base.lines, adminEdits), applyEdits(base.lines, updateEdits));
      const result = merged.text.split('\n');
      for (const side of [adminEdits, updateEdits]) {
        for (const line of [...side.added.values(), ...side.changed.values()]) {
          if (line !== null) expect(result).toContain(line);
        }
      }
      expect(merged.conflicts).toEqual([]);
    }));
  });

  it('should drop a record deleted on one side and untouched on the other', () => {
    fc.assert(fc.property(scenarioArb, ({ base, edits: [adminEdits, updateEdits] }) => {
      const baseText = base.lines.map((l) => l + '\n').join('');
      const merged = mergeAccountDb('passwd', baseText, applyEdits(base.lines, adminEdits), applyEdits(base.lines, updateEdits));
      const users = merged.text.split('\n').map((l) => l.split(':')[0]);
      for (const side of [adminEdits, updateEdits]) {
        for (const [user, line] of side.changed) if (line === null) expect(users).not.toContain(user);
      }
    }));
  });

  // Helpers: one shadow record and, per field, which side (if any) changes it.
  const fieldEditsArb = fc.tuple(
    fc.array(fc.stringMatching(/^[0-9]{0,3}$/), { minLength: 8, maxLength: 8 }),
    fc.array(fc.constantFrom('admin', 'update', 'none'), { minLength: 8, maxLength: 8 }),
    fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 8, maxLength: 8 }),
  );

  it('should keep fields changed on one side only, whichever side changed the others', () => {
    fc.assert(fc.property(fieldEditsArb, ([base, owners, values]) => {
      const edited = (side: string) => base.map((v, i) => (owners[i] === side ? values[i] as string : v));
      const row = (fields: string[]) => ['svc', ...fields].join(':') + '\n';
      const merged = mergeAccountDb('shadow', row(base), row(edited('admin')), row(edited('update')));
      const expected = base.map((v, i) => (owners[i] === 'none' ? v : values[i] as string));
      expect(merged).toEqual({ text: row(expected), conflicts: [] });
    }));
  });
});
