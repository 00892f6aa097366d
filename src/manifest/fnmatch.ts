/**
 * fnmatch(3C) as illumos libc implements it (the FreeBSD code, spec/bart.md §4.7), in the C
 * locale: every byte is one character (strings are latin1 byte strings), ranges compare byte
 * values, no FNM_PERIOD (so `*` matches leading dots). bart only ever passes FNM_PATHNAME.
 * Inputs hold no NUL byte (they come from C strings), so the end of the string is C's EOS.
 */

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
const EOS = -1;

type RangeResult = { kind: 'match'; next: number } | { kind: 'nomatch' } | { kind: 'error' };

export function fnmatch(pattern: string, s: string, flags?: { pathname?: boolean }): boolean {
  const pathname = flags?.pathname ?? true;
  const pat = (i: number) => (i < pattern.length ? pattern.charCodeAt(i) : EOS);
  const str = (i: number) => (i < s.length ? s.charCodeAt(i) : EOS);
  let p = 0;
  let i = 0;
  // Where to resume after a mismatch: the last `*` tried with one more character.
  let btPattern = -1;
  let btString = -1;
  for (;;) {
    let pc = pat(p++);
    const sc = str(i);
    let literal = false;
    switch (pc) {
      case EOS:
        if (sc === EOS) return true;
        break;
      case QUESTION:
        if (sc === EOS) return false;
        if (!(sc === SLASH && pathname)) {
          i++;
          continue;
        }
        break;
      case STAR: {
        while (pat(p) === STAR) p++;
        const c = pat(p);
        // The C code's shortcuts for a trailing `*` and for `*/`.
        if (c === EOS) return pathname ? s.indexOf('/', i) < 0 : true;
        if (c === SLASH && pathname) {
          i = s.indexOf('/', i);
          if (i < 0) return false;
          continue;
        }
        btPattern = p;
        btString = i;
        continue;
      }
      case OPEN: {
        if (sc === EOS) return false;
        if (sc === SLASH && pathname) break;
        const r = rangeMatch(pattern, p, sc, pathname);
        if (r.kind === 'match') {
          p = r.next;
          i++;
          continue;
        }
        // An unterminated `[` is an ordinary character.
        literal = r.kind === 'error';
        break;
      }
      case BACKSLASH:
        // A trailing backslash matches itself.
        if (p < pattern.length) pc = pattern.charCodeAt(p++);
        literal = true;
        break;
      default:
        literal = true;
    }
    if (literal) {
      if (sc !== EOS) i++;
      if (pc === sc) continue;
    }
    // Backtrack: let the last `*` swallow one more character (never a `/` with pathname).
    if (btPattern < 0) return false;
    const bc = str(btString);
    if (bc === EOS || (bc === SLASH && pathname)) return false;
    btString++;
    p = btPattern;
    i = btString;
  }
}

/** A bracket expression starting after `[` at `p` (rangematch() of fnmatch.c). */
function rangeMatch(pattern: string, p: number, test: number, pathname: boolean): RangeResult {
  const at = (k: number) => (k < pattern.length ? pattern.charCodeAt(k) : EOS);
  const negate = at(p) === 0x21 /* ! */ || at(p) === 0x5e; /* ^ */
  if (negate) p++;
  const origin = p;
  let ok = false;
  for (;;) {
    let c = at(p);
    if (c === CLOSE && p > origin) {
      p++;
      break;
    }
    if (c === EOS) return { kind: 'error' };
    if (c === SLASH && pathname) return { kind: 'nomatch' };
    if (c === BACKSLASH) c = at(++p);
    // An escaped EOS reads as NUL, matches nothing, and the next round reports the error.
    if (c !== EOS) p++;
    if (at(p) === 0x2d /* - */ && at(p + 1) !== EOS && at(p + 1) !== CLOSE) {
      p++;
      if (at(p) === BACKSLASH) p++;
      const c2 = at(p);
      if (c2 === EOS) return { kind: 'error' };
      p++;
      if (c <= test && test <= c2) ok = true;
    } else if (c === test) {
      ok = true;
    }
  }
  return ok === negate ? { kind: 'nomatch' } : { kind: 'match', next: p };
}
