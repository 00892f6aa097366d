import {
  type Action, type ActionType, type AttrValue, KEY_ATTRS, PAYLOAD_TYPES, addAttr, isActionType,
} from './action.js';

/**
 * Parses one action in pkg's string form, with the same state machine as pkg's
 * `_actions.c` `fromstr` (spec/illumos.md §1.1): the first bare token is the payload, a key
 * ends at the first `=`, unquoted values run to whitespace, quoted values know only `\\` and
 * `\<same quote>` as escapes, adjacent quoted strings concatenate, repeated keys make lists.
 */

/** pkg's three error families; `reason` is pkg's own wording where pkg has one. */
export type ActionErrorKind = 'malformed' | 'invalid' | 'unknown';

export class ActionSyntaxError extends Error {
  constructor(
    readonly kind: ActionErrorKind,
    readonly reason: string,
    /** Offset in the action text where pkg's parser stopped (malformed errors only). */
    readonly position?: number,
  ) {
    super(
      kind === 'malformed' ? `malformed action at position ${position}: ${reason}`
        : kind === 'invalid' ? `invalid action: ${reason}` : reason,
    );
  }
}

const NO_PAYLOAD = "action type doesn't allow payload";
const NOT_IDENTICAL = 'hash attribute not identical to positional hash';

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n';
const isQuote = (c: string | undefined): boolean => c === '"' || c === "'";

type State = 'ws' | 'key' | 'unquoted' | 'quoted';

export function parseAction(text: string): Action {
  const typeEnd = text.search(/[ \t\n]/);
  if (typeEnd < 0) throw new ActionSyntaxError('malformed', 'no attributes', text.length);
  const typeWord = text.slice(0, typeEnd);
  if (!isActionType(typeWord)) {
    throw new ActionSyntaxError('unknown', `unknown action type '${typeWord}'`);
  }
  const payloadAllowed = PAYLOAD_TYPES.has(typeWord);
  const malformed = (at: number, reason: string) => new ActionSyntaxError('malformed', reason, at);
  const invalid = (reason: string) => new ActionSyntaxError('invalid', reason);

  const attrs = new Map<string, AttrValue>();
  let hash: string | undefined;
  let state: State = 'ws';
  let prev: State = 'ws';
  let keyStart = 0;
  let valueStart = 0;
  let key = '';
  let quote = '';
  let quoted = '';
  let concat = false;

  const finishValue = (value: string): void => {
    if (key === 'hash') {
      if (hash !== undefined && hash !== value) throw invalid(NOT_IDENTICAL);
      hash = value;
    } else if (concat) {
      appendToLast(attrs, key, value);
    } else {
      addAttr(attrs, key, value);
    }
    concat = false;
  };

  let i = typeEnd;
  scan: for (; i < text.length; i++) {
    const c = text[i];
    switch (state) {
      case 'key':
        if (isBlank(c)) {
          if (attrs.size > 0 || hash !== undefined) throw malformed(i, 'whitespace in key');
          if (!payloadAllowed) throw invalid(NO_PAYLOAD);
          hash = text.slice(keyStart, i);
          prev = state;
          state = 'ws';
        } else if (c === '=') {
          key = text.slice(keyStart, i);
          if (key === 'data') throw invalid("invalid key: 'data'");
          if (key === 'hash' && !payloadAllowed) throw invalid(NO_PAYLOAD);
          const first = text[++i];
          if (first === undefined || isBlank(first)) throw malformed(i, 'missing value');
          prev = state;
          if (isQuote(first)) {
            state = 'quoted';
            quote = first;
            quoted = '';
          } else {
            state = 'unquoted';
            valueStart = i;
          }
        } else if (isQuote(c)) {
          throw malformed(i, 'quote in key');
        }
        break;
      case 'quoted':
        if (c === '\\') {
          if (i === text.length - 1) break scan;
          const next = text[++i];
          // Only `\\` and `\<quote>` are escapes; any other backslash stays (`"a\nb"`).
          quoted += next === '\\' || next === quote ? next : c + next;
        } else if (c === quote) {
          finishValue(quoted);
          prev = state;
          state = 'ws';
        } else {
          quoted += c;
        }
        break;
      case 'unquoted':
        if (isBlank(c)) {
          finishValue(text.slice(valueStart, i));
          prev = state;
          state = 'ws';
        }
        break;
      case 'ws':
        if (!isBlank(c)) {
          state = 'key';
          keyStart = i;
          if (c === '=') throw malformed(i, 'missing key');
          if (prev === 'quoted' && isQuote(c)) {
            // Two adjacent quoted strings: one value (how long descriptions wrap).
            state = 'quoted';
            quote = c as string;
            quoted = '';
            concat = true;
          }
          prev = 'ws';
        }
        break;
    }
  }
  if (state === 'unquoted') finishValue(text.slice(valueStart, i));
  else if (state === 'quoted') throw malformed(i, 'unfinished quoted value');
  else if (state === 'key') throw malformed(i, 'missing value');

  return construct(typeWord, hash, attrs, invalid);
}

function appendToLast(attrs: Map<string, AttrValue>, key: string, tail: string): void {
  const prev = attrs.get(key) ?? '';
  if (typeof prev === 'string') attrs.set(key, prev + tail);
  else attrs.set(key, [...prev.slice(0, -1), (prev.at(-1) ?? '') + tail]);
}

/** What the action classes' constructors add to the raw parse (`_common.c`, `attribute.py`). */
function construct(
  type: ActionType,
  hash: string | undefined,
  attrs: Map<string, AttrValue>,
  invalid: (reason: string) => ActionSyntaxError,
): Action {
  if (type === 'set' && !(attrs.has('name') && attrs.has('value'))) {
    const only = attrs.size === 1 ? [...attrs][0] : undefined;
    if (only === undefined) throw invalid('Missing "name" or "value" attribute');
    attrs.clear();
    attrs.set('name', only[0]);
    attrs.set('value', only[1]);
  }
  const path = attrs.get('path');
  if (path !== undefined) {
    if (typeof path !== 'string') throw invalid("'path' attribute specified multiple times");
    attrs.set('path', path.replace(/^\/+/, ''));
  }
  const keyAttr = KEY_ATTRS[type];
  if (keyAttr !== undefined && !attrs.has(keyAttr)) {
    throw invalid(`missing key attribute '${keyAttr}'`);
  }
  return hash === undefined ? { type, attrs } : { type, hash, attrs };
}
