import { type Action, attr } from './action.js';

/** One action and the package (FMRI) that delivers it. */
export interface Delivery {
  readonly fmri: string;
  readonly action: Action;
}

/** The action that governs a path on disk, as pkg resolves several deliveries of it. */
export interface PathEntry extends Delivery {
  /** The `overlay=allow` file that the governing `overlay=true` file replaces (§2.4). */
  readonly overlaid?: Delivery;
  /**
   * Other deliveries of the same path: reference-counted directories, mediated links (the
   * admin's mediator picks one; the first delivered is governing here), or a conflict pkg
   * itself would refuse.
   */
  readonly others: readonly Delivery[];
}

const PATH_TYPES: ReadonlySet<Action['type']> = new Set(['file', 'dir', 'link', 'hardlink']);

/**
 * Maps each delivered path (relative, as manifests write it: `etc/passwd`) to its governing
 * action. Input order decides among equals, so pass packages in a stable order.
 */
export function buildPathIndex(deliveries: Iterable<Delivery>): Map<string, PathEntry> {
  const byPath = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    if (!PATH_TYPES.has(delivery.action.type)) continue;
    const path = attr(delivery.action, 'path');
    if (path === undefined) continue;
    const list = byPath.get(path);
    if (list) list.push(delivery);
    else byPath.set(path, [delivery]);
  }
  const index = new Map<string, PathEntry>();
  for (const [path, list] of byPath) index.set(path, resolve(list));
  return index;
}

/**
 * pkg allows two file actions on one path only as an overlay pair (`imageplan.py`): exactly
 * two, one `overlay=allow` with `preserve`, the other `overlay=true`. The `true` one governs.
 */
function resolve(list: readonly Delivery[]): PathEntry {
  const [first, second] = list;
  if (list.length === 2 && first && second) {
    const overlaying = [first, second].find((d) => isFile(d) && attr(d.action, 'overlay') === 'true');
    const overlaid = [first, second].find(
      (d) => isFile(d) && attr(d.action, 'overlay') === 'allow' && attr(d.action, 'preserve') !== undefined,
    );
    if (overlaying && overlaid) return { ...overlaying, overlaid, others: [] };
  }
  const [governing, ...others] = list as [Delivery, ...Delivery[]];
  return { ...governing, others };
}

const isFile = (d: Delivery): boolean => d.action.type === 'file';

/**
 * The `preserve` value pkg applies to a path (`/etc/passwd` or `etc/passwd`), if any. `path`
 * is a byte string, as manifests of trees name entries (manifest/entry.ts); the index has the
 * package manifests' text, read as UTF-8.
 */
export function preserveOf(index: ReadonlyMap<string, PathEntry>, path: string): string | undefined {
  const entry = lookup(index, path);
  return entry?.action.type === 'file' ? attr(entry.action, 'preserve') : undefined;
}

/** Whether a package of the index delivers `path` (named as preserveOf takes it). */
export function delivers(index: ReadonlyMap<string, PathEntry>, path: string): boolean {
  return lookup(index, path) !== undefined;
}

const lookup = (index: ReadonlyMap<string, PathEntry>, path: string): PathEntry | undefined =>
  index.get(Buffer.from(path.replace(/^\/+/, ''), 'latin1').toString('utf8'));
