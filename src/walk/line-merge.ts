/**
 * Merges sorted line streams into one sorted stream without duplicates: `sort -u` for
 * manifests whose rules walk overlapping subtrees (spec/bart.md §2.5), in constant memory.
 */

/** The lines of newline-terminated text, without their newlines. */
export function linesOf(block: string): string[] {
  const lines = block.split('\n');
  lines.pop();
  return lines;
}

/** Lines in newline-terminated text blocks. */
export function countLines(blocks: readonly string[]): number {
  let n = 0;
  for (const block of blocks) for (let i = block.indexOf('\n'); i >= 0; i = block.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A single-producer, single-consumer queue with backpressure for batches of text blocks
 * (whole lines, each ending in '\n'); iterating it yields the lines without newlines.
 */
export class TextChannel implements AsyncIterable<string> {
  private batches: string[][] = [];
  private closed = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly maxBatches = 8) {}

  async push(batch: string[]): Promise<void> {
    this.batches.push(batch);
    this.wakeConsumer?.();
    while (this.batches.length > this.maxBatches) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
  }

  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for await (const batch of this.drain()) for (const block of batch) yield* linesOf(block);
  }

  /** The batches of blocks as pushed (Perf: no per-line step when nothing is merged). */
  async *drain(): AsyncGenerator<string[]> {
    for (;;) {
      const batch = this.batches.shift();
      if (batch) {
        this.wakeProducer?.();
        yield batch;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      this.wakeConsumer = undefined;
    }
  }
}

/** Bytewise merge of sorted streams (byte strings), dropping exact duplicate lines. */
export async function* mergeSortedUnique(streams: AsyncIterable<string>[]): AsyncGenerator<string> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const heads: Array<string | undefined> = await Promise.all(
    iterators.map(async (it) => (await it.next()).value as string | undefined),
  );
  let last: string | undefined;
  for (;;) {
    let min = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (min < 0 || h < heads[min]!)) min = i;
    }
    if (min < 0) return;
    const line = heads[min]!;
    if (line !== last) yield line;
    last = line;
    const next = await iterators[min]!.next();
    heads[min] = next.done ? undefined : next.value;
  }
}
