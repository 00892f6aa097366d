/**
 * Three-way merge-join of sorted entry streams: one pass, no Map of a million paths
 * (spec/style.md "Data flow"). Streams must be in manifest order, as treeEntries yields
 * them; `<` on byte strings is bart's bytewise order.
 */
import type { ManifestEntry } from '../manifest/entry.js';
import { escapeName } from '../manifest/format.js';

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

/**
 * Yields each path present in any root once, with its entry in each root (or undefined).
 * The streams come in manifest order, which sorts whole lines (spec/bart.md §2.5), so paths
 * are compared as their lines begin: escaped name, then a space (`a\040b` after `a.b`, and
 * `a\r` before `a`, since 0x0d < 0x20).
 */
export async function* joinEntries(streams: RootStreams<AsyncIterable<ManifestEntry>>): AsyncGenerator<JoinedEntry> {
  const its = [streams.base, streams.admin, streams.update].map((s) => s[Symbol.asyncIterator]());
  const heads = await Promise.all(its.map((it) => next(it)));
  for (;;) {
    let first: Head | undefined;
    for (const h of heads) if (h && (first === undefined || h.key < first.key)) first = h;
    if (first === undefined) return;
    const key = first.key;
    const taken = heads.map((h) => (h?.key === key ? h.entry : undefined));
    yield { path: first.entry.name, base: taken[0], admin: taken[1], update: taken[2] };
    await Promise.all(
      heads.map(async (h, i) => {
        if (h?.key !== key) return;
        const following = await next(its[i]!);
        if (following && following.key <= key) throw new Error(`entries out of order: ${following.entry.name} after ${h.entry.name}`);
        heads[i] = following;
      }),
    );
  }
}

interface Head {
  entry: ManifestEntry;
  /** What the manifest sorts by: the line up to the space after the name (the rest only orders lines of one name). */
  key: string;
}

async function next(it: AsyncIterator<ManifestEntry>): Promise<Head | undefined> {
  const r = await it.next();
  return r.done ? undefined : { entry: r.value, key: `${escapeName(r.value.name)} ` };
}
