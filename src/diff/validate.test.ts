import { describe, expect, it } from 'vitest';
import { declaredHash, entryLineProblem } from './validate.js';

const problem = (line: string) => {
  const bytes = Buffer.from(`xx${line}yy`, 'latin1');
  return entryLineProblem(bytes, 2, bytes.length - 2);
};
const A = 'user::rw-,group::r--,mask:r--,other:r--';
const linkTo = (dest: string) => `/l L 1200 120777 - 65e6a1f3 0 0 ${dest}`;
/** A dest field ending in `end` as long as create's cap makes it (1023 bytes). */
const capped = (end: string) => linkTo('a'.repeat(1023 - end.length) + end);

describe('entryLineProblem', () => {
  it.each([
    `/a\\040b F 6 100644 ${A} 65e6a1f3 0 0 b1946ac92492d2347c6235b4d2611184`,
    `/d D 4096 40755 ${A} 65e6a1f3 0 0`,
    `/l L 0 120777 - 65e6a1f3 0 0 \\000`,
    `/c C 0 20666 ${A} 65e6a1f3 0 3 103`,
    `/m  F  6 100644 ${A} 65e6a1f3 0 0 -`, // runs of blanks: bart accepts them
    '# a comment between entries',
    '!also skipped',
    '',
    ' \t ',
    ' \r\v\f',
    // create writes \v \f \r raw, in names and link targets (bart's compare splits there).
    `/a\rb F 6 100644 ${A} 65e6a1f3 0 0 -`,
    `/k\vQ\\0401 F 6 100644 ${A} 65e6a1f3 0 0 -`,
    `/l\f L 0 120777 - 65e6a1f3 0 0 x\ry`,
    `/crlf D 4096 40755 ${A} 65e6a1f3 0 0\r`,
    // Solaris 10-era bart wrote B/C lines without a devnode (spec/bart.md §0).
    `/c C 0 20666 ${A} 65e6a1f3 0 3`,
    `/b B 0 60640 ${A} 65e6a1f3 0 3`,
    // create's 1023-byte cap on a quoted target can cut its last escape short (§2.3).
    capped('\\'),
    capped('\\0'),
    capped('\\01'),
    capped('\\134'),
  ])('accepts %j', (line) => {
    expect(problem(line)).toBeUndefined();
  });

  it.each([
    [`/a F 6 100644 ${A} 65e6a1f3 0 0`, '8 fields, F lines have 9'],
    [`/d D 4096 40755 ${A} 65e6a1f3 0 0 extra`, '9 fields, D lines have 8'],
    [`/a\\04 F 6 100644 ${A} 65e6a1f3 0 0 -`, "bad octal escape '\\04 '"],
    [`/a\\400 F 6 100644 ${A} 65e6a1f3 0 0 -`, "bad octal escape '\\400'"],
    [`/l L 0 120777 - 65e6a1f3 0 0 a\\x`, "bad octal escape '\\x'"],
    [`/x Q 0 100644 ${A} 65e6a1f3 0 0`, "unknown entry type 'Q'"],
    [`/x FF 0 100644 ${A} 65e6a1f3 0 0`, "unknown entry type 'FF'"],
    ['/x', "unknown entry type ''"],
    [`/c C 0 20666 ${A} 65e6a1f3 0`, '7 fields, C lines have 8 or 9'],
    [`/b B 0 60640 ${A} 65e6a1f3 0 3 103 x`, '10 fields, B lines have 8 or 9'],
    // A partial escape only passes where the cap can have made it.
    [linkTo(`${'a'.repeat(1020)}\\0`), "bad octal escape '\\0'"],
    [linkTo(`${'a'.repeat(1022)}\\0`), "bad octal escape '\\0'"],
    [capped('\\08'), "bad octal escape '\\08'"],
    [capped('\\4'), "bad octal escape '\\4'"],
    [capped('\\x0'), "bad octal escape '\\x0'"],
    [capped('\\x'), "bad octal escape '\\x'"],
    [capped('\\040').replace('aaaa', 'a\\0a'), "bad octal escape '\\0aa'"],
    [capped('\\0').replace('/l', '/l\\0'), "bad octal escape '\\0 L'"],
  ])('rejects %j: %s', (line, what) => {
    expect(problem(line)).toBe(what);
  });

  it('leaves backslashes in other fields alone', () => {
    expect(problem(`/a F 6 100644 a\\b 65e6a1f3 0 0 -`)).toBeUndefined();
  });
});

describe('declaredHash', () => {
  it.each([
    [['! Version 1.0', '! Monday'], 'MD5'],
    [['! Version 1.1', '! Hash SHA256'], 'SHA256'],
    [['! Version 1.1', '! Hash XXH64', '! date'], 'XXH64'],
    [['# Format:'], undefined],
    [[], undefined],
  ])('%j declares %s', (lines, hash) => {
    expect(declaredHash(lines)).toBe(hash);
  });
});
