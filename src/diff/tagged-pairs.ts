/**
 * The lines of a walk of two trees at once (src/walk/pair-walk.ts), one stream in manifest
 * order with each line tagged with its tree, as one-sided pairs for compare. They are not
 * paired by name: the walk leaves out the entries that are alike, and where it prints every
 * line (names that put bart's merge out of step) compare must see each line as it is.
 */
import type { JoinedPair } from './lazy-contents.js';

/** Each tagged line as a pair of one side (`tags`: control's and test's first char). */
export async function* untag(tagged: AsyncIterable<string[]>, tags: readonly [string, string]): AsyncGenerator<JoinedPair[]> {
  for await (const lines of tagged) yield lines.map((raw) => (raw[0] === tags[0] ? { control: raw.slice(1) } : { test: raw.slice(1) }));
}
