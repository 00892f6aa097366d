import type { Action } from './action.js';

/**
 * Writes an action the way pkg's `generic.py` `__str__` does: type, positional payload,
 * attributes sorted by key, a list as repeated `key=value`. Unlike pkg's
 * `quote_attr_value`, quoting here is exact for every string, so `parseAction` always gives
 * the action back (pkg mangles a value holding both quote kinds and a backslash).
 */
export function formatAction(action: Action): string {
  const words: string[] = [action.type];
  const pairs: Array<[string, string]> = [];
  if (action.hash !== undefined) {
    // A positional token ends at a blank and may hold no `=` or quote (`_actions.c`).
    if (isBare(action.hash) && !/[="']/.test(action.hash)) words.push(action.hash);
    else pairs.push(['hash', action.hash]);
  }
  for (const [key, value] of action.attrs) {
    for (const one of typeof value === 'string' ? [value] : value) pairs.push([key, one]);
  }
  // Stable sort: values of one key keep their list order.
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of pairs) words.push(`${key}=${quoteValue(value)}`);
  return words.join(' ');
}

/**
 * A value as it must appear after `key=`. Quoted when bare text would not read back as the
 * same value: empty, whitespace, a leading quote, a trailing backslash (a manifest line
 * continuation), or `$(` (pkg quotes macros so pkgmogrify leaves them alone).
 */
export function quoteValue(value: string): string {
  if (isBare(value) && !value.endsWith('\\') && !value.includes('$(')) return value;
  const quote = value.includes('"') && !value.includes("'") ? "'" : '"';
  // Inside quotes only `\\` and `\<quote>` are escapes; escape backslashes that would pair.
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const next = value[i + 1];
    if (c === quote) out += '\\' + c;
    else if (c === '\\' && (next === undefined || next === '\\' || next === quote)) out += '\\\\';
    else out += c;
  }
  return quote + out + quote;
}

/** True when the text can stand unquoted: non-empty, no blanks, no leading quote. */
function isBare(text: string): boolean {
  return text !== '' && !/[ \t\n\r]/.test(text) && text[0] !== '"' && text[0] !== "'";
}
