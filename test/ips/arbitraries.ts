import fc from 'fast-check';
import { ACTION_TYPES, type Action, type AttrValue, KEY_ATTRS, PAYLOAD_TYPES } from '../../src/ips/action.js';

// Helpers: characters that stress the quoting rules.
const trickyChar = fc.constantFrom('a', 'Z', '0', '=', '"', "'", '\\', ' ', '\t', '$', '(', ')', ',', '/', '#', 'é');

/** Any attribute value a manifest line can hold (no newline: it would end the line). */
export const valueArb = fc.string({ unit: trickyChar, maxLength: 12 });

/** Keys as pkg accepts them: no blank, quote or `=`, never the reserved `data` or `hash`. */
export const keyArb = fc
  .stringMatching(/^[a-z][a-z0-9.\-_]{0,10}$/)
  .filter((k) => k !== 'data' && k !== 'hash' && k !== 'path');

const attrValueArb: fc.Arbitrary<AttrValue> = fc.oneof(
  valueArb,
  fc.array(valueArb, { minLength: 2, maxLength: 3 }),
);

/** Random valid actions of every type, with their key attribute and an optional payload. */
export const actionArb: fc.Arbitrary<Action> = fc
  .record({
    type: fc.constantFrom(...ACTION_TYPES),
    keyValue: valueArb.filter((v) => !v.startsWith('/')),
    hash: fc.option(fc.string({ unit: trickyChar, minLength: 1, maxLength: 8 }), { nil: undefined }),
    extra: fc.uniqueArray(fc.tuple(keyArb, attrValueArb), { selector: ([k]) => k, maxLength: 4 }),
  })
  .map(({ type, keyValue, hash, extra }) => {
    const attrs = new Map<string, AttrValue>();
    // `unknown` has no key attribute but, like any action, needs one attribute.
    const key = KEY_ATTRS[type] ?? 'path';
    if (type === 'set') attrs.set('value', keyValue);
    for (const [k, v] of extra) if (k !== key) attrs.set(k, v);
    attrs.set(key, keyValue);
    return PAYLOAD_TYPES.has(type) && hash !== undefined ? { type, hash, attrs } : { type, attrs };
  });
