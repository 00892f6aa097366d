/**
 * Expands a create-mode subtree line into existing paths (spec/bart.md §4.3): globbed
 * component by component over directory listings, literal components included, so an
 * unreadable directory on the way fails even when the path exists.
 */
import { fnmatch } from '../manifest/fnmatch.js';
import type { SubtreeExpansion } from '../manifest/rules.js';
import { strerror, type WalkFs } from './walk-fs.js';

export function expandSubtree(fs: WalkFs, pattern: string): SubtreeExpansion {
  const messages: string[] = [];
  let candidates = ['/'];
  for (const component of pattern.split('/').filter((c) => c !== '')) {
    const next: string[] = [];
    for (const dir of candidates) {
      let names: string[];
      try {
        names = fs.readdir(dir).map((entry) => entry.name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') messages.push(`${dir}: ${strerror(err)}\n`);
        continue;
      }
      const prefix = dir === '/' ? '/' : dir + '/';
      for (const name of names) if (fnmatch(component, name, { pathname: true })) next.push(prefix + name);
    }
    candidates = next;
  }
  const paths: string[] = [];
  for (const path of candidates) {
    if (fs.lstat(path)) paths.push(path);
    else messages.push(`WARNING: Ignoring invalid subtree: ${path}\n`);
  }
  if (paths.length === 0 && candidates.length === 0) messages.push(`WARNING: Ignoring invalid subtree: ${pattern}\n`);
  return { paths, messages };
}
