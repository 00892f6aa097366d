/**
 * The two sides of a stream of paired lines, as compare reads them: each side pulls the next
 * batch of pairs when its own lines run out, keeping the other side's lines for it. Pulls are
 * driven by compare's merge, which may need many lines of one side before the next line of
 * the other (a subtree on one tree only): those lines wait here, in memory, rather than
 * holding back the stream compare waits on.
 */
import type { JoinedPair } from './lazy-contents.js';

/**
 * Control's and test's line batches (blocks of one line each, '\n'-terminated). Pairs whose
 * two lines are identical are left out (compare skips them without touching its state: the
 * names and types its tail quirk reuses come from differing lines only), except the first
 * after a differing one: without it, a side could run out where the whole manifest does not,
 * and compare would take the other side's next entries in its tail loop, with a stale type
 * for the rules (bart.md §5.2): an add or delete reported, or missed, that compare of the
 * whole manifests does otherwise.
 */
export function teePairs(pairs: AsyncIterable<JoinedPair[]>): [AsyncIterable<string[]>, AsyncIterable<string[]>] {
  const source = pairs[Symbol.asyncIterator]();
  const queues: [string[][], string[][]] = [[], []];
  let done = false;
  let differed = false;
  let pulling: Promise<void> | undefined;
  const pull = async () => {
    const next = await source.next();
    if (next.done) {
      done = true;
      return;
    }
    const control: string[] = [];
    const test: string[] = [];
    for (const pair of next.value) {
      const identical = pair.control !== undefined && pair.control === pair.test;
      if (identical && !differed) continue;
      differed = !identical;
      if (pair.control !== undefined) control.push(pair.control + '\n');
      if (pair.test !== undefined) test.push(pair.test + '\n');
    }
    if (control.length > 0) queues[0].push(control);
    if (test.length > 0) queues[1].push(test);
  };
  const side = (queue: string[][]): AsyncIterable<string[]> => ({
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const batch = queue.shift();
        if (batch) yield batch;
        else if (done) return;
        // One pull at a time: both sides may be waiting.
        else await (pulling ??= pull().finally(() => (pulling = undefined)));
      }
    },
  });
  return [side(queues[0]), side(queues[1])];
}
