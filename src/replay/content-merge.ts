/**
 * R5.1 and R5.2 (spec/reintegration.md), and driver majors: the merges tried when both sides
 * changed a file's content differently. Pure: the caller reads the three texts (latin1, one
 * char per byte). The executor calls the same function again to write the result.
 */
import { ACCOUNT_DBS, ACCOUNT_DB_KINDS, type AccountDbKind, mergeAccountDb } from '../ips/index.js';
import { mergeNameToMajor, NAME_TO_MAJOR } from './name-to-major.js';
import type { MergeMethod } from './plan-types.js';
import { isMergeableText, mergeText } from './text-merge.js';

export interface ContentMerge {
  readonly method: MergeMethod;
  readonly text: string;
  /** What the merge resolved by policy, by key (`root:password`, `mydrv: major 260 is ...`), never by value. */
  readonly conflicts: readonly string[];
}

const KEYED_BY_PATH: ReadonlyMap<string, AccountDbKind> = new Map(
  ACCOUNT_DB_KINDS.map((kind) => [`/${ACCOUNT_DBS[kind].path}`, kind]),
);

/** The merge method for a path, before looking at contents. */
export function mergeMethodFor(path: string): MergeMethod {
  const kind = KEYED_BY_PATH.get(path);
  if (kind) return { method: 'keyed', kind };
  return path === NAME_TO_MAJOR ? { method: 'majors' } : { method: 'text' };
}

/**
 * The merged content, or undefined when the texts do not merge (binary, too large, or
 * overlapping line changes): R5.3 then decides.
 */
export function mergeContents(method: MergeMethod, base: string, admin: string, update: string): ContentMerge | undefined {
  if (![base, admin, update].every(isMergeableText)) return undefined;
  if (method.method === 'keyed') {
    const { text, conflicts } = mergeAccountDb(method.kind, base, admin, update);
    // Key and column only: values could be shadow hashes (spec "Safety"). A key with a colon is
    // the text of a line that is no record, which could hold anything.
    const named = (key: string) => (key.includes(':') ? '(a line that is no record)' : key);
    return { method, text, conflicts: conflicts.map((c) => (c.field ? `${named(c.key)}:${c.field}` : named(c.key))) };
  }
  if (method.method === 'majors') return { method, ...mergeNameToMajor(base, admin, update) };
  const text = mergeText(base, admin, update);
  return text === undefined ? undefined : { method, text, conflicts: [] };
}
