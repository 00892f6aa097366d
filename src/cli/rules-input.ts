/** Reading `-r rules|-` and `-i keywords` the way every preupd command does. */
import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { InputError } from '../errors.js';
import { ATTR, COMPARE_DEFAULT_FLAGS, parseKeywordList, type ParsedRules } from '../manifest/rules.js';
import { strerror } from '../walk/walk-fs.js';
import { fromCwd, type CliIo } from './io.js';

/** The rules text of `-r file` or `-r -` (stdin), as a byte string. */
export async function readRulesText(arg: string, io: CliIo): Promise<{ file: string; text: string }> {
  if (arg === '-') return { file: '<stdin>', text: (await buffer(io.stdin())).toString('latin1') };
  try {
    return { file: arg, text: readFileSync(fromCwd(io.cwd, arg), 'latin1') };
  } catch (err) {
    throw new InputError(arg, undefined, strerror(err));
  }
}

/** Parsed rules, or the first fatal diagnostic as `file:line: what`. */
export function rulesOrThrow(parsed: ParsedRules, file: string): ParsedRules {
  if (parsed.fatal === 'none') return parsed;
  const first = parsed.diagnostics.find((d) => d.kind === parsed.fatal) ?? parsed.diagnostics[0];
  throw new InputError(file, first?.line, first?.message ?? 'syntax error');
}

/** Compare's global flags after every `-i` list; bart's warnings for unknown words go to stderr. */
export function compareFlags(ignore: string | string[] | undefined, io: CliIo): number {
  let flags = COMPARE_DEFAULT_FLAGS;
  for (const list of ([] as string[]).concat(ignore ?? [])) {
    const parsed = parseKeywordList(list, flags);
    flags = parsed.flags;
    for (const m of parsed.messages) io.stderr(m);
  }
  return flags;
}

/** Whether compare looks at contents anywhere: -i left them, or a rule block checks them. */
export function comparesContents(rules: ParsedRules, flags: number): boolean {
  return (flags & ATTR.contents) !== 0 || rules.rules.some((r) => (r.attrs & ATTR.contents) !== 0);
}
