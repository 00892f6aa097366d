/**
 * R5.2 (spec/reintegration.md): a line-based three-way merge with diff3 semantics, through
 * node-diff3 rather than a diff3 of our own. Lines keep their terminators, so a missing final
 * newline is an ordinary difference of the last line.
 */
import { diff3Merge } from 'node-diff3';

/** Text for R5.2: no NUL byte and at most 4 MiB. */
export const TEXT_LIMIT = 4 * 1024 * 1024;

export function isMergeableText(text: string): boolean {
  return text.length <= TEXT_LIMIT && !text.includes('\0');
}

/** Splits after each `\n`; the last piece has no terminator when the text lacks one. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The merged text, or undefined when both sides changed the same region differently. */
export function mergeText(base: string, admin: string, update: string): string | undefined {
  // diff3Merge(a, o, b): o is the common ancestor. Arrays, because strings would be split on whitespace.
  const regions = diff3Merge(splitLines(admin), splitLines(base), splitLines(update));
  let merged = '';
  for (const region of regions) {
    if (region.conflict) return undefined;
    merged += region.ok!.join('');
  }
  return merged;
}
