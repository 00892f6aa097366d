/**
 * The IPS action model: a type, an optional payload hash and attributes whose values are a
 * string or, when a key repeats, a list in file order (spec/illumos.md §1).
 */

/** Every action type pkg knows, in pkg's install order (`generic.py` `_orderdict`). */
export const ACTION_TYPES = [
  'set', 'depend', 'group', 'user', 'dir', 'file', 'hardlink', 'link', 'driver', 'unknown',
  'license', 'legacy', 'signature',
] as const;

export type ActionType = (typeof ACTION_TYPES)[number];

export type AttrValue = string | readonly string[];

export interface Action {
  readonly type: ActionType;
  /** Positional payload: a content hash in published manifests, a source path in .p5m files. */
  readonly hash?: string;
  /** A Map, not an object: keys come from input and may be anything, `__proto__` included. */
  readonly attrs: ReadonlyMap<string, AttrValue>;
}

/** Only these may carry a payload, positional or as `hash=` (`_actions.c` `hash_allowed`). */
export const PAYLOAD_TYPES: ReadonlySet<ActionType> = new Set(['file', 'license', 'signature']);

/** Each type's key attribute (`key_attr` of the action classes); `unknown` has none. */
export const KEY_ATTRS: Readonly<Record<ActionType, string | undefined>> = {
  set: 'name', depend: 'fmri', group: 'groupname', user: 'username', dir: 'path', file: 'path',
  hardlink: 'path', link: 'path', driver: 'name', unknown: undefined, license: 'license',
  legacy: 'pkg', signature: 'value',
};

export function isActionType(word: string): word is ActionType {
  return (ACTION_TYPES as readonly string[]).includes(word);
}

/** The value of a single-valued attribute; for a repeated key, its first value. */
export function attr(action: Action, key: string): string | undefined {
  const value = action.attrs.get(key);
  return typeof value === 'string' ? value : value?.[0];
}

/** All values of an attribute, in file order (empty when absent). */
export function attrList(action: Action, key: string): readonly string[] {
  const value = action.attrs.get(key);
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** The action's key value (`path`, `username`...), as pkg identifies the action. */
export function actionKey(action: Action): string | undefined {
  const key = KEY_ATTRS[action.type];
  return key === undefined ? undefined : attr(action, key);
}

/** Builds an action from plain pairs; repeated keys become lists. Handy for callers and tests. */
export function makeAction(
  type: ActionType,
  pairs: ReadonlyArray<readonly [string, string]>,
  hash?: string,
): Action {
  const attrs = new Map<string, AttrValue>();
  for (const [key, value] of pairs) addAttr(attrs, key, value);
  return hash === undefined ? { type, attrs } : { type, hash, attrs };
}

/** Adds one value under `key`, turning a repeated key into a list (`add_to_attrs`). */
export function addAttr(attrs: Map<string, AttrValue>, key: string, value: string): void {
  const prev = attrs.get(key);
  if (prev === undefined) attrs.set(key, value);
  else attrs.set(key, typeof prev === 'string' ? [prev, value] : [...prev, value]);
}

/**
 * Whether pkg would see two versions of an action as different (and so plan an update for
 * it, spec §2.3 precondition): payload or any attribute, list order ignored.
 */
export function actionsDiffer(a: Action, b: Action): boolean {
  if (a.type !== b.type || a.hash !== b.hash || a.attrs.size !== b.attrs.size) return true;
  for (const [key, value] of a.attrs) {
    const other = b.attrs.get(key);
    if (other === undefined) return true;
    const left = [...(typeof value === 'string' ? [value] : value)].sort();
    const right = [...(typeof other === 'string' ? [other] : other)].sort();
    if (left.length !== right.length || left.some((v, i) => v !== right[i])) return true;
  }
  return false;
}
