/**
 * bart's rules-file lexer (rules.c `lex()`, taken from filesync; spec/bart.md §4.1),
 * reproduced with its buffer effects: physical lines come from fgets() into a 64 KiB buffer,
 * a line whose last character before the newline is `\` is continued by reading the next
 * physical line *over* that backslash, and a continued line that hits end of file is lost.
 * Text is a latin1 byte string.
 */

const BUF_SIZE = 65536;

// C isspace() in the C locale.
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

export class RulesLexer {
  private pos = 0;
  /** Physical lines read so far (lex_linenum). */
  lineNumber = 0;
  /** Physical line number where the current logical line began. */
  lineStart = 0;
  private line = '';
  /** Where lex(0) continues in `line`; -1 when the line is used up (savep == NULL). */
  private save = -1;

  constructor(private readonly text: string) {}

  /** fgets(buf, size): at most size-1 bytes, through the newline; undefined at end of file. */
  private fgets(size: number): string | undefined {
    if (this.pos >= this.text.length) return undefined;
    const nl = this.text.indexOf('\n', this.pos);
    const end = Math.min(nl < 0 ? this.text.length : nl + 1, this.pos + Math.max(size - 1, 0));
    const chunk = this.text.slice(this.pos, end);
    this.pos = end;
    return chunk;
  }

  /**
   * Reads the next logical line and returns its first token; undefined at end of file, or
   * when the line is blank or was lost to a continuation at end of file (C returns NULL for
   * all of these; the caller's loop stops only at end of file, see `atEof`).
   */
  firstToken(): string | undefined {
    let buf = '';
    let s = 0; // where the next fgets() writes
    let got: string | undefined;
    this.lineStart = this.lineNumber + 1;
    while ((got = this.fgets(BUF_SIZE - s)) !== undefined) {
      this.lineNumber++;
      // C strings end at the first NUL.
      const nul = got.indexOf('\0');
      buf = buf.slice(0, s) + (nul < 0 ? got : got.slice(0, nul));
      if (buf.length === s) break; // *s == 0: not a continuation
      s = buf.length - 1;
      if (buf[s] === '\n') s--;
      if (s < 0 || buf[s] !== '\\') break;
    }
    if (got === undefined) {
      this.save = -1;
      return undefined;
    }
    this.line = buf;
    this.save = 0;
    return this.nextToken();
  }

  get atEof(): boolean {
    return this.pos >= this.text.length;
  }

  /**
   * lex(0): the next token of the current line, quotes removed and `\x` turned into `x`;
   * undefined when the line is used up. A token may be empty (`""`), which callers treat
   * as the end of the line, as bart does.
   */
  nextToken(): string | undefined {
    if (this.save < 0) return undefined;
    const line = this.line;
    let s = this.save;
    this.save = -1;
    while (isSpace(line[s])) s++;
    if (s >= line.length) return undefined;
    let delim = '';
    if (line[s] === "'" || line[s] === '"') delim = line[s++]!;
    let token = '';
    for (; s < line.length; s++) {
      const c = line[s]!;
      if (c === '\\') {
        // A backslash before the end copies the NUL and walks past it (UB in C); stop here.
        if (++s >= line.length) break;
        token += line[s];
        continue;
      }
      if (c === delim) {
        s++;
        break;
      }
      // Inside quotes whitespace (even the newline) belongs to the token.
      if (delim === '' && isSpace(c)) break;
      token += c;
    }
    this.save = s < line.length ? s : -1;
    return token;
  }
}
