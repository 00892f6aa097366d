import { createHash, randomBytes } from 'node:crypto';
import xxhash from 'xxhash-wasm';
import { describe, expect, it } from 'vitest';
import { memTree, file } from '../../test/memfs-tree.js';
import { CHUNK_SIZE, createFileHasher } from './hasher.js';
import { walkFsOf } from './walk-fs.js';

// Sizes around the read size: one short read, exactly one full read, and several reads.
const SIZES = [0, 5, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 7];

describe('file hasher', () => {
  // memfs stores strings as UTF-8: ASCII content keeps bytes and chars the same.
  const contents = SIZES.map((size) => randomBytes(size).toString('base64').slice(0, size));
  const fs = walkFsOf(memTree('/h', Object.fromEntries(contents.map((c, i) => [`f${i}`, file(c)]))), () => 'tmpfs');
  const bytes = contents.map((c) => Buffer.from(c, 'latin1'));

  it.each(['md5', 'sha256'] as const)('gives node:crypto %s of every size, streamed in chunks', async (algorithm) => {
    const hash = await createFileHasher(algorithm);
    for (const [i, b] of bytes.entries()) {
      expect(hash(fs, `/h/f${i}`)).toEqual({ ok: true, digest: createHash(algorithm).update(b).digest('hex') });
    }
  });

  it('gives the XXH64 of the whole file of every size (xxhsum -H1 form)', async () => {
    const { h64Raw } = await xxhash();
    const hash = await createFileHasher('xxh64');
    for (const [i, b] of bytes.entries()) {
      expect(hash(fs, `/h/f${i}`)).toEqual({ ok: true, digest: h64Raw(b).toString(16).padStart(16, '0') });
    }
  });

  // sysfs and other pseudo-files: a read returns less than asked before the end.
  it('reads a file whose reads come short on to its end, with its lstat size or without', async () => {
    const shortReads = { ...fs, read: (fd: number, buffer: Uint8Array, length: number) => fs.read(fd, buffer, Math.min(length, 1000)) };
    const hash = await createFileHasher('md5');
    for (const [i, b] of bytes.entries()) {
      const whole = { ok: true, digest: createHash('md5').update(b).digest('hex') };
      expect([i, hash(shortReads, `/h/f${i}`, b.length)]).toEqual([i, whole]);
      expect([i, hash(shortReads, `/h/f${i}`)]).toEqual([i, whole]);
    }
  });

  it('reads a small file of known size once (no read that returns 0)', async () => {
    let reads = 0;
    const counting = { ...fs, read: (fd: number, buffer: Uint8Array, length: number) => (reads++, fs.read(fd, buffer, length)) };
    const hash = await createFileHasher('xxh64');
    hash(counting, '/h/f1', bytes[1]!.length);
    expect(reads).toBe(1);
    hash(counting, '/h/f1');
    expect(reads).toBe(3);
  });

  it('reports a file it cannot open as an open failure', async () => {
    const hash = await createFileHasher('md5');
    expect(hash(fs, '/h/missing')).toMatchObject({ ok: false, stage: 'open' });
  });
});
