/**
 * Three-way merge-join of sorted entry streams: one pass, no Map of a million paths
 * (spec/style.md "Data flow"). Streams must be in bart's bytewise name order, as
 * treeEntries yields them; `<` on byte strings is that order.
 */
import type { ManifestEntry } from '../manifest/entry.js';

export interface JoinedEntry {
  readonly path: string;
  readonly base?: ManifestEntry;
  readonly admin?: ManifestEntry;
  readonly update?: ManifestEntry;
}

export interface RootStreams<T> {
  readonly base: T;
  readonly admin: T;
  readonly update: T;
}

/** Yields each path present in any root once, with its entry in each root (or undefined). */
export async function* joinEntries(streams: RootStreams<AsyncIterable<ManifestEntry>>): AsyncGenerator<JoinedEntry> {
  const its = [streams.base, streams.admin, streams.update].map((s) => s[Symbol.asyncIterator]());
  const heads = await Promise.all(its.map((it) => next(it)));
  for (;;) {
    let path: string | undefined;
    for (const h of heads) if (h && (path === undefined || h.name < path)) path = h.name;
    if (path === undefined) return;
    const taken = heads.map((h) => (h?.name === path ? h : undefined));
    yield { path, base: taken[0], admin: taken[1], update: taken[2] };
    await Promise.all(
      taken.map(async (t, i) => {
        if (!t) return;
        const following = await next(its[i]!);
        if (following && following.name <= t.name) throw new Error(`entries out of order: ${following.name} after ${t.name}`);
        heads[i] = following;
      }),
    );
  }
}

async function next(it: AsyncIterator<ManifestEntry>): Promise<ManifestEntry | undefined> {
  const r = await it.next();
  return r.done ? undefined : r.value;
}
