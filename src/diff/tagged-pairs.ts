/**
 * The pairs of a walk of two trees at once (src/walk/pair-walk.ts): one stream of lines in
 * name order, each tagged with its tree; a name on both trees gives control's line, then
 * test's.
 */
import type { JoinedPair } from './lazy-contents.js';

const nameOf = (line: string) => line.slice(0, line.indexOf(' '));

/** Pairs tagged lines by name, batch by batch (`tags`: control's and test's first char). */
export async function* pairTagged(tagged: AsyncIterable<string[]>, tags: readonly [string, string]): AsyncGenerator<JoinedPair[]> {
  // A control line whose test line may start the next batch.
  let held: string | undefined;
  for await (const lines of tagged) {
    const out: JoinedPair[] = [];
    for (const raw of lines) {
      const line = raw.slice(1);
      if (raw[0] === tags[0]) {
        if (held !== undefined) out.push({ control: held });
        held = line;
      } else if (held !== undefined && nameOf(held) === nameOf(line)) {
        out.push({ control: held, test: line });
        held = undefined;
      } else {
        if (held !== undefined) out.push({ control: held });
        held = undefined;
        out.push({ test: line });
      }
    }
    yield out;
  }
  if (held !== undefined) yield [{ control: held }];
}

