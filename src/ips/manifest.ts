import { InputError } from '../errors.js';
import type { Action } from './action.js';
import { formatAction } from './action-format.js';
import { ActionSyntaxError, parseAction } from './action-parse.js';

export interface ManifestAction {
  readonly action: Action;
  /** 1-based line where the action starts (its first physical line). */
  readonly line: number;
}

export interface ParseManifestOptions {
  /** Named in errors. */
  readonly file: string;
  /**
   * Source form (.p5m in build trees): skip pkgmogrify directives (`<include …>`,
   * `<transform …>`) and drop `$(MACRO)` prefixes such as `$(i386_ONLY)file …`. Published
   * manifests never hold either, so strict mode rejects them as pkg does.
   */
  readonly tolerant?: boolean;
}

/**
 * Parses manifest text as pkg's `manifest.py` does (spec/illumos.md §1.1): each line is
 * left-stripped, a trailing `\` glues the next line on with no separator, and only then are
 * blank and `#` lines skipped. Like pkg, every bad line is collected before failing; the
 * error names the first one and counts the rest.
 */
export function parseManifest(text: string, options: ParseManifestOptions): ManifestAction[] {
  const actions: ManifestAction[] = [];
  const errors: InputError[] = [];
  for (const { text: logical, line } of logicalLines(text)) {
    if (logical === '' || logical.startsWith('#')) continue;
    let body = logical;
    if (options.tolerant) {
      if (body.startsWith('<') && body.endsWith('>')) continue;
      body = body.replace(/^(?:\$\([A-Za-z0-9_.]+\))+/, '');
    }
    try {
      actions.push({ action: parseAction(body), line });
    } catch (err) {
      if (!(err instanceof ActionSyntaxError)) throw err;
      errors.push(new InputError(options.file, line, err.message, { cause: err }));
    }
  }
  const [first] = errors;
  if (first === undefined) return actions;
  if (errors.length === 1) throw first;
  const reason = (first.cause as ActionSyntaxError).message;
  throw new InputError(options.file, first.line, `${reason} (and ${errors.length - 1} more bad lines)`, {
    cause: new AggregateError(errors),
  });
}

/** One action per line, in the order given; parses back to the same actions. */
export function formatManifest(actions: Iterable<Action>): string {
  let out = '';
  for (const action of actions) out += formatAction(action) + '\n';
  return out;
}

function* logicalLines(text: string): Generator<{ text: string; line: number }> {
  let pending: string | undefined;
  let start = 0;
  for (const [index, raw] of text.split(/\r\n|\r|\n/).entries()) {
    const stripped = raw.replace(/^\s+/, '');
    if (pending === undefined) start = index + 1;
    if (stripped.endsWith('\\')) {
      pending = (pending ?? '') + stripped.slice(0, -1);
      continue;
    }
    yield { text: (pending ?? '') + stripped, line: start };
    pending = undefined;
  }
  if (pending !== undefined) yield { text: pending, line: start };
}
