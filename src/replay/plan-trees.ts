/**
 * The effectful edge of planning: walks base, admin and update, reads their IPS path indexes
 * (plain directories without var/pkg have none) and hands everything to planReintegration.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type InstalledImage, type PathEntry, readInstalledImage } from '../ips/index.js';
import { treeEntries, type TreeEntriesOptions } from '../walk/tree-entries.js';
import type { Plan, RootName } from './plan-types.js';
import { planReintegration } from './planner.js';
import { treeSources, type SourceFs } from './tree-sources.js';

export interface PlanTreesOptions {
  /** bart_rules text: what the walks select (spec "What is never reintegrated"). */
  readonly rules?: string;
  readonly now?: Date;
  /** For memfs tests: the walker's fs, and the same volume for content reads. */
  readonly walk?: Pick<TreeEntriesOptions, 'fs' | 'threads' | 'acl'>;
  readonly sourceFs?: SourceFs;
  /** bart's warnings of the walks (unreadable files...), each naming its path. */
  readonly onMessage?: (text: string) => void;
  /** Path indexes to use instead of reading `<root>/var/pkg` (tests on memfs). */
  readonly pathIndexes?: { readonly update: ReadonlyMap<string, PathEntry>; readonly base: ReadonlyMap<string, PathEntry> };
  /** See PlanRequest.exclude. */
  readonly exclude?: readonly string[];
}

/**
 * update's (or base's) installed image, or undefined for a plain directory. `root` is a byte
 * string, as the walks take it; the image reader takes node:fs text (argv gave UTF-8).
 */
export async function readImageIfAny(root: string): Promise<InstalledImage | undefined> {
  const text = Buffer.from(root, 'latin1').toString('utf8');
  return existsSync(join(text, 'var/pkg')) ? readInstalledImage(text) : undefined;
}

export async function planTrees(roots: Readonly<Record<RootName, string>>, options: PlanTreesOptions = {}): Promise<Plan> {
  const walk = (root: RootName) =>
    treeEntries(roots[root], {
      acl: 'auto', threads: 1, ...options.walk,
      ...(options.rules === undefined ? {} : { rules: options.rules }),
      ...(options.onMessage ? { onMessage: options.onMessage } : {}),
    });
  const noImage = new Map<string, PathEntry>();
  const [updateImage, baseImage] = options.pathIndexes ? [] : await Promise.all([readImageIfAny(roots.update), readImageIfAny(roots.base)]);
  return planReintegration({
    roots,
    entries: { base: walk('base'), admin: walk('admin'), update: walk('update') },
    updateIndex: options.pathIndexes?.update ?? updateImage?.paths ?? noImage,
    baseIndex: options.pathIndexes?.base ?? baseImage?.paths ?? noImage,
    sources: treeSources(roots, options.sourceFs),
    now: options.now ?? new Date(),
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
}
