/** Manifest lines produced in memory (a walk, a join) read as a ByteSource by compare. */
import type { ByteSource } from './line-reader.js';

/** `header` then every batch of text blocks (whole lines ending in '\n'), as latin1 bytes. */
export function textSource(header: string, batches: AsyncIterable<string[]>): ByteSource {
  const it = batches[Symbol.asyncIterator]();
  let pending = Buffer.from(header, 'latin1');
  let done = false;
  return {
    async read(into, offset, length) {
      while (pending.length === 0 && !done) {
        const r = await it.next();
        if (r.done) done = true;
        else if (r.value.length) pending = Buffer.from(r.value.join(''), 'latin1');
      }
      const n = Math.min(length, pending.length);
      pending.copy(into, offset, 0, n);
      pending = pending.subarray(n);
      return n;
    },
  };
}
