import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detachValues, getopt } from './getopt.js';

describe('detachValues', () => {
  it.each([
    [['-imtime', 'a', 'b'], ['-i', 'mtime', 'a', 'b']],
    [['-pimtime,uid'], ['-pi', 'mtime,uid']],
    [['-rrules', '-p'], ['-r', 'rules', '-p']],
    [['-r-'], ['-r', '-']],
    [['-r', '-imtime'], ['-r', '-imtime']],
    [['-pi', '-rx'], ['-pi', '-rx']],
    [['-np', '--json', '-'], ['-np', '--json', '-']],
    [['--', '-imtime'], ['--', '-imtime']],
    [['a', '-Rroot', 'b'], ['a', '-R', 'root', 'b']],
    [['-r=rules', '-po=out'], ['-r=rules', '-po=out']],
  ])('%j → %j', (args, expected) => {
    expect(detachValues(args, 'Rrio')).toEqual(expected);
  });

  it('gives the options and values getopt gives', () => {
    const option = fc.stringMatching(/^-[npIRri][a-z-]{0,4}$/);
    const operand = fc.stringMatching(/^[a-z]{1,3}$/);
    fc.assert(
      // Options before operands: getopt stops at the first operand, yargs does not.
      fc.property(fc.array(option, { maxLength: 5 }), fc.array(operand, { maxLength: 2 }), (options, operands) => {
        const args = [...options, ...operands];
        const expected = getopt('t', args, 'npIR:r:i:');
        fc.pre(expected.error === undefined);
        const detached = detachValues(args, 'Rri');
        // After detaching, every value is a word of its own.
        expect(getopt('t', detached, 'npIR:r:i:')).toEqual(expected);
        for (const { arg } of expected.options) if (arg !== undefined) expect(detached).toContain(arg);
      }),
    );
  });
});
