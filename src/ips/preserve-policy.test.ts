import { describe, expect, it } from 'vitest';
import { type Action, makeAction } from './action.js';
import { type DiskState, type PkgFileOutcome, pkgFileOutcome } from './preserve-policy.js';

/** An outcome in the words of spec/illumos.md §2.3. */
function describeOutcome(o: PkgFileOutcome): string {
  if (o.newWrittenTo) return 'new->.new, keep disk';
  if (o.diskMovedTo) return `disk->${o.diskMovedTo}, install new`;
  if (o.atPath === 'new') return 'install new';
  return o.attrsApplied ? 'keep, chmod/chown' : 'nothing';
}

function fileAction(hash: string, preserve: string | undefined, extra: Array<[string, string]> = []): Action {
  const pairs: Array<[string, string]> = [['path', 'etc/conf'], ['mode', '0644'], ...extra];
  if (preserve !== undefined) pairs.push(['preserve', preserve]);
  return makeAction('file', pairs, hash);
}

/** orig -> next where the content changes, or only an attribute (mode) does. */
function upgrade(preserve: string, disk: DiskState, contentChanged: boolean): string {
  const orig = fileAction('aaa', preserve);
  const next = contentChanged ? fileAction('bbb', preserve) : fileAction('aaa', preserve, [['owner', 'root']]);
  return describeOutcome(pkgFileOutcome({ orig, next, disk }));
}

// Columns: true, renameold, renamenew, install-only, abandon (spec §2.3; legacy below).
const table: Array<[DiskState, boolean, [string, string, string, string, string]]> = [
  ['missing', true, ['install new', 'install new', 'install new', 'nothing', 'nothing']],
  ['equal', false, ['keep, chmod/chown', 'keep, chmod/chown', 'keep, chmod/chown', 'keep, chmod/chown', 'nothing']],
  ['equal', true, ['install new', 'install new', 'install new', 'keep, chmod/chown', 'nothing']],
  ['modified', false, ['keep, chmod/chown', 'disk->.old, install new', 'new->.new, keep disk', 'keep, chmod/chown', 'nothing']],
  ['modified', true, ['keep, chmod/chown', 'disk->.old, install new', 'new->.new, keep disk', 'keep, chmod/chown', 'nothing']],
];

describe('pkgFileOutcome: the upgrade table of spec/illumos.md §2.3', () => {
  const values = ['true', 'renameold', 'renamenew', 'install-only', 'abandon'] as const;
  for (const [disk, changed, expected] of table) {
    it(`disk ${disk}, content ${changed ? 'changed' : 'unchanged'}`, () => {
      expect(values.map((p) => upgrade(p, disk, changed))).toEqual(expected);
    });
  }

  it('renames a legacy file to .legacy unless the old version was legacy too', () => {
    const next = fileAction('bbb', 'legacy');
    expect(describeOutcome(pkgFileOutcome({ orig: fileAction('aaa', 'true'), next, disk: 'modified' }))).toBe('disk->.legacy, install new');
    expect(describeOutcome(pkgFileOutcome({ orig: fileAction('aaa', 'legacy'), next, disk: 'modified' }))).toBe('install new');
    expect(describeOutcome(pkgFileOutcome({ orig: fileAction('aaa', 'true'), next, disk: 'missing' }))).toBe('install new');
  });
});

describe('pkgFileOutcome beyond the table', () => {
  it('leaves the file alone when the action is the same in both versions', () => {
    const action = fileAction('aaa', undefined);
    expect(describeOutcome(pkgFileOutcome({ orig: action, next: action, disk: 'modified' }))).toBe('nothing');
  });

  it('always delivers files without preserve, and ELF files whatever their preserve', () => {
    expect(upgrade('x', 'modified', true)).toBe('keep, chmod/chown'); // unknown values act as true
    const elf = fileAction('bbb', 'true', [['elfhash', 'e']]);
    expect(describeOutcome(pkgFileOutcome({ orig: fileAction('aaa', 'true'), next: elf, disk: 'modified' }))).toBe('install new');
    expect(describeOutcome(pkgFileOutcome({ orig: fileAction('aaa', undefined), next: fileAction('bbb', undefined), disk: 'modified' }))).toBe('install new');
  });

  it('treats an existing file at a newly delivered path as modified', () => {
    expect(describeOutcome(pkgFileOutcome({ next: fileAction('bbb', 'renamenew'), disk: 'modified' }))).toBe('new->.new, keep disk');
    expect(describeOutcome(pkgFileOutcome({ next: fileAction('bbb', 'install-only'), disk: 'missing' }))).toBe('install new');
    expect(describeOutcome(pkgFileOutcome({ next: fileAction('bbb', 'legacy'), disk: 'modified' }))).toBe('keep, chmod/chown');
  });

  it('on downgrade keeps the configuration, or moves it to .update when preserve-version goes back', () => {
    const newer = fileAction('bbb', 'true', [['preserve-version', '2.1']]);
    const older = fileAction('aaa', 'true', [['preserve-version', '2.0']]);
    const same = fileAction('aaa', 'true', [['preserve-version', '2.1']]);
    expect(describeOutcome(pkgFileOutcome({ orig: newer, next: older, disk: 'modified', downgrade: true }))).toBe('disk->.update, install new');
    expect(describeOutcome(pkgFileOutcome({ orig: newer, next: same, disk: 'modified', downgrade: true }))).toBe('keep, chmod/chown');
    expect(describeOutcome(pkgFileOutcome({ orig: newer, next: older, disk: 'missing', downgrade: true }))).toBe('install new');
  });
});
