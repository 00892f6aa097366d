/** A ByteSource over bytes in memory (tests, and manifests produced in-process). */
import type { ByteSource } from './line-reader.js';

/**
 * `text` is a latin1 byte string or bytes; `maxRead` limits each read so that callers can
 * exercise the refill paths that large files take.
 */
export function memorySource(text: string | Uint8Array, maxRead = Infinity): ByteSource {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  let pos = 0;
  return {
    read: async (into, offset, length) => {
      const n = Math.min(length, maxRead, bytes.length - pos);
      into.set(bytes.subarray(pos, pos + n), offset);
      pos += n;
      return n;
    },
  };
}
