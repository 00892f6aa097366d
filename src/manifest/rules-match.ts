/**
 * Which rule applies to a path, and whether a rule's modifiers exclude it: rules.c
 * `exclude_fname`, `match_subtree`, `check_rules` (spec/bart.md §4.5, §4.6), step for step,
 * because create and compare output depend on every odd corner of them.
 */
import type { EntryType } from './entry.js';
import { fnmatch } from './fnmatch.js';
import type { Exclusion, Modifier, Rule } from './rules.js';

function countSlashes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) n++;
  return n;
}

/** Index just after the `n`-th slash of `s` (n ≥ 1), or -1 when there are fewer. */
function afterSlash(s: string, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = s.indexOf('/', at + 1);
    if (at < 0) return -1;
  }
  return at + 1;
}

/** A file pattern: matched against the last components of the path (§4.5). */
function fileModifier(path: string, type: EntryType, mod: Modifier): Exclusion | undefined {
  // A file pattern never matches a directory: required → skip, forbidden → next modifier.
  if (type === 'D') return mod.include ? 'skip' : undefined;
  let pattern = mod.pattern;
  const patternSlashes = countSlashes(pattern);
  const pathSlashes = countSlashes(path);
  if (patternSlashes > pathSlashes && mod.include) return 'skip';
  // The tail with as many slashes as the pattern (the whole path when it has fewer).
  const advance = pathSlashes - patternSlashes;
  let tail = advance > 0 ? path.slice(afterSlash(path, advance)) : path;
  if (pattern.startsWith('../')) {
    pattern = pattern.slice(2);
    const slash = tail.indexOf('/');
    // C would pass NULL to fnmatch here and crash; count it as no match.
    if (slash < 0) return mod.include ? 'skip' : undefined;
    tail = tail.slice(slash);
  }
  const matches = fnmatch(pattern, tail);
  if (matches && !mod.include) return 'skip';
  if (!matches && mod.include) return 'skip';
  return undefined;
}

/** A directory pattern (`p/`): anchored at the rule's subtree when included (§4.5). */
function dirModifier(path: string, type: EntryType, mod: Modifier, subtree: string): Exclusion | undefined {
  const isDir = type === 'D';
  const hit: Exclusion = isDir ? 'prune' : 'skip';
  // Relative to the subtree by byte count: wrong for glob subtrees in compare (bart quirk).
  let rel = path.slice(subtree.length);
  if (!isDir) {
    const slash = rel.lastIndexOf('/');
    if (slash >= 0) rel = rel.slice(0, slash);
    if (rel === '' && mod.include) return 'skip';
  }
  const patternSlashes = countSlashes(mod.pattern);
  let relSlashes = countSlashes(rel);
  if (patternSlashes > relSlashes && !isDir && mod.include) return 'skip';
  if (rel.startsWith('/')) {
    rel = rel.slice(1);
    relSlashes--;
  }
  // Slide a window of `patternSlashes` components down the path.
  while (patternSlashes <= relSlashes) {
    const window = rel.slice(0, afterSlash(rel, patternSlashes));
    if (fnmatch(mod.pattern, window)) {
      if (mod.include) return undefined;
      return hit;
    }
    if (mod.include) return hit;
    rel = rel.slice(rel.indexOf('/') + 1);
    relSlashes--;
  }
  // The last component, against the pattern without its trailing slash.
  if (patternSlashes === relSlashes + 1) {
    const matches = fnmatch(mod.pattern.slice(0, mod.pattern.lastIndexOf('/')), rel);
    if (matches && !mod.include) return hit;
    if (!matches && mod.include) return 'skip';
  }
  return undefined;
}

/** exclude_fname(): every modifier must pass; the rule's modifiers are in bart's order. */
export function excludeFname(path: string, type: EntryType, rule: Rule): Exclusion {
  // No modifiers: the rule keeps everything, unless it has no attributes left (bart quirk,
  // spec/bart.md §3.5: such a subtree vanishes in create and never applies in compare).
  if (rule.modifiers.length === 0) return rule.attrs === 0 ? 'prune' : 'none';
  for (const mod of rule.modifiers) {
    const verdict = mod.isDir ? dirModifier(path, type, mod, rule.subtree) : fileModifier(path, type, mod);
    if (verdict) return verdict;
  }
  return 'none';
}

/**
 * match_subtree(): cut `name` to as many components as the rule's subtree has (keeping the
 * trailing slash when the subtree has one), then fnmatch. `/etc` matches `/etc` and below,
 * `/etc/` only below.
 */
export function matchSubtree(name: string, rule: Rule): boolean {
  const subtree = rule.subtree;
  const slashes = countSlashes(subtree);
  if (slashes > countSlashes(name)) return false;
  let end = afterSlash(name, slashes);
  if (!subtree.endsWith('/')) {
    const next = name.indexOf('/', end);
    end = next < 0 ? name.length : next;
  }
  return fnmatch(subtree, name.slice(0, end));
}

/** check_rules(): the last rule whose subtree matches and which does not exclude the entry. */
export function checkRules(rules: readonly Rule[], path: string, type: EntryType): Rule | undefined {
  for (let k = rules.length - 1; k >= 0; k--) {
    const rule = rules[k]!;
    if (matchSubtree(path, rule) && excludeFname(path, type, rule) === 'none') return rule;
  }
  return undefined;
}
