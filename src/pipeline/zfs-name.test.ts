import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beNameProblem, componentProblem, datasetNameProblem, snapshotNameProblem } from './zfs-name.js';

describe('ZFS names', () => {
  it('accepts the names preupd makes and libbe uses', () => {
    for (const name of ['rpool', 'rpool/ROOT', 'rpool/ROOT/opensolaris-1', 'tank/var:log', 'rpool/preupd.state']) {
      expect(datasetNameProblem(name)).toBeUndefined();
    }
    expect(snapshotNameProblem('rpool/ROOT/be@preupd-pristine-0002')).toBeUndefined();
    expect(snapshotNameProblem('rpool/ROOT/be@2010-04-07-19:47:13')).toBeUndefined();
    expect(beNameProblem('opensolaris-2')).toBeUndefined();
  });

  it('says why a name is refused', () => {
    expect(datasetNameProblem('rpool//ROOT')).toBe('empty component');
    expect(datasetNameProblem('rpool/ROOT/')).toBe('empty component');
    expect(datasetNameProblem('/rpool')).toBe('pool name must begin with a letter');
    expect(datasetNameProblem('1pool/x')).toBe('pool name must begin with a letter');
    expect(datasetNameProblem('mirror/x')).toBe("pool name 'mirror' is reserved");
    expect(datasetNameProblem('raidz2')).toBe("pool name 'raidz2' is reserved");
    expect(datasetNameProblem('c0t0d0s0')).toBe('pool name may not begin with c and a digit');
    expect(datasetNameProblem('rpool/a b')).toBe('invalid character " "');
    expect(datasetNameProblem('rpool/../etc')).toBe("component '..' is not allowed");
    expect(datasetNameProblem('rpool/be@snap')).toBe("a dataset name may not contain '@'");
    expect(datasetNameProblem(`rpool/${'x'.repeat(250)}`)).toBe('longer than 255 characters');
    expect(snapshotNameProblem('rpool/ROOT/be@Sys+1')).toBe('invalid character "+"');
    expect(snapshotNameProblem('rpool/ROOT/be')).toBe("a snapshot name needs '@'");
    expect(snapshotNameProblem('rpool@a@b')).toBe("more than one '@'");
    expect(snapshotNameProblem('rpool@')).toBe('empty component');
    expect(beNameProblem('a/b')).toBe("a boot environment name may not contain '/'");
    expect(beNameProblem('be%1')).toBe('invalid character "%"');
    expect(beNameProblem('b'.repeat(65))).toBe('longer than 64 characters');
  });

  it('accepts exactly the components made of [A-Za-z0-9_.:-] other than . and ..', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), (component) => {
        const valid = /^[A-Za-z0-9_.:-]+$/.test(component) && component !== '.' && component !== '..';
        expect(componentProblem(component) === undefined).toBe(valid);
      }),
    );
  });
});
