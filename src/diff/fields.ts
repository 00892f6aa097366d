/**
 * How bart compare splits an entry line (compare.c `get_token`/`parse_line`, spec/bart.md
 * §5.3): fields are runs of non-isspace bytes, each copied into a fixed buffer; what does
 * not fit becomes the start of the next field (bart quirk). The last field is read only
 * for F (contents), B/C (devnode) and L (dest).
 */

export interface BartFields {
  name: string;
  type: string;
  size: string;
  mode: string;
  acl: string;
  mtime: string;
  uid: string;
  gid: string;
  contents: string;
  devnode: string;
  dest: string;
}

// Buffer sizes minus the NUL: PATH_MAX, TYPE_SIZE, MISC_SIZE, ACL_SIZE (bart.h).
export const NAME_CAP = 1023;
const TYPE_CAP = 1;
const MISC_CAP = 19;
const ACL_CAP = 1023;
const LAST_CAP = 1023;

/** C isspace() in the C locale, on a char code. */
function isSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** A cursor over one line, handing out capped tokens as get_token() does. */
class Tokenizer {
  pos = 0;
  constructor(private readonly line: string) {}

  token(cap: number): string {
    const line = this.line;
    let p = this.pos;
    while (p < line.length && isSpaceCode(line.charCodeAt(p))) p++;
    const begin = p;
    const stop = Math.min(line.length, begin + cap);
    while (p < stop && !isSpaceCode(line.charCodeAt(p))) p++;
    this.pos = p;
    return line.slice(begin, p);
  }
}

/** extract_fname_ftype(): the name and the one-character type. */
export function nameAndType(line: string): { name: string; type: string } {
  const t = new Tokenizer(line);
  const name = t.token(NAME_CAP);
  return { name, type: t.token(TYPE_CAP) };
}

/** The name as the tail loops re-read it (`sscanf("%1023s")`); undefined for a blank line. */
export function scanName(line: string): string | undefined {
  const name = new Tokenizer(line).token(NAME_CAP);
  return name === '' ? undefined : name;
}

/** parse_line(). */
export function parseFields(line: string): BartFields {
  const t = new Tokenizer(line);
  const f: BartFields = {
    name: t.token(NAME_CAP),
    type: t.token(TYPE_CAP),
    size: t.token(MISC_CAP),
    mode: t.token(MISC_CAP),
    acl: t.token(ACL_CAP),
    mtime: t.token(MISC_CAP),
    uid: t.token(MISC_CAP),
    gid: t.token(MISC_CAP),
    contents: '',
    devnode: '',
    dest: '',
  };
  const kind = f.type;
  if (kind === 'F') f.contents = t.token(LAST_CAP);
  else if (kind === 'B' || kind === 'C') f.devnode = t.token(LAST_CAP);
  else if (kind === 'L') f.dest = t.token(LAST_CAP);
  return f;
}
