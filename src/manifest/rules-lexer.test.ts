import { describe, expect, it } from 'vitest';
import { RulesLexer } from './rules-lexer.js';

/** Every logical line as its list of tokens (undefined first token → []). */
function lines(text: string): string[][] {
  const lexer = new RulesLexer(text);
  const out: string[][] = [];
  while (!lexer.atEof) {
    const tokens: string[] = [];
    for (let t = lexer.firstToken(); t !== undefined; t = lexer.nextToken()) tokens.push(t);
    out.push(tokens);
  }
  return out;
}

describe('rules lexer (spec/bart.md §4.1)', () => {
  it('splits on whitespace runs', () => {
    expect(lines('/etc  *.conf\t!x\n')).toEqual([['/etc', '*.conf', '!x']]);
  });

  it('reads a continued line over its backslash', () => {
    expect(lines('/src \\\n    !*.o\n')).toEqual([['/src', '!*.o']]);
    expect(lines('a\\\nb\n')).toEqual([['ab']]);
  });

  it('counts physical lines and reports where a logical line began', () => {
    const lexer = new RulesLexer('# c\n/a \\\n b\n/c\n');
    lexer.firstToken();
    lexer.firstToken();
    expect([lexer.lineStart, lexer.lineNumber]).toEqual([2, 3]);
    lexer.firstToken();
    expect(lexer.lineStart).toBe(4);
  });

  it('loses a continued line that reaches the end of the file', () => {
    expect(lines('/a\n/b \\\n')).toEqual([['/a'], []]);
    expect(lines('/b \\')).toEqual([[]]);
  });

  it('continues again when the next line is empty and the byte before is a backslash', () => {
    // "x\\\\\n" ends in a backslash; the empty line then lands on the first one.
    expect(lines('x\\\\\n\ny\n')).toEqual([['xy']]);
  });

  it('removes quotes, keeps spaces inside them and ends the token at the closing quote', () => {
    expect(lines(`/etc "*.c onf" 'a b'c\n`)).toEqual([['/etc', '*.c onf', 'a b', 'c']]);
  });

  it('keeps the newline in an unterminated quoted token', () => {
    expect(lines(`/etc "abc\n`)).toEqual([['/etc', 'abc\n']]);
  });

  it('turns \\x into x, also inside quotes', () => {
    expect(lines(`a\\ b "c\\"d"\n`)).toEqual([['a b', 'c"d']]);
  });

  it('returns an empty token for "" (callers stop there)', () => {
    expect(lines(`/a "" b\n`)).toEqual([['/a', '', 'b']]);
  });

  it('treats blank and whitespace-only lines as no token', () => {
    expect(lines('\n  \t\n/a\n')).toEqual([[], [], ['/a']]);
  });

  it('reads a last line without newline', () => {
    expect(lines('/a\n/b')).toEqual([['/a'], ['/b']]);
  });

  it('ends a C string at a NUL byte', () => {
    expect(lines('/a\0 ignored\n/b\n')).toEqual([['/a'], ['/b']]);
  });

  it('splits a physical line longer than the 64 KiB buffer', () => {
    const long = 'x'.repeat(70000);
    const got = lines(`${long}\n`);
    expect(got.map((l) => l[0]!.length)).toEqual([65535, 70000 - 65535]);
  });
});
