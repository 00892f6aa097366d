import { describe, expect, it } from 'vitest';
import type { JoinedPair } from './lazy-contents.js';
import { teePairs } from './tee-pairs.js';

async function* batches(pairs: JoinedPair[], size: number) {
  for (let i = 0; i < pairs.length; i += size) yield pairs.slice(i, i + size);
}

async function all(side: AsyncIterable<string[]>): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of side) lines.push(...batch);
  return lines;
}

describe('teePairs', () => {
  it('gives each side its lines in order, without identical pairs', async () => {
    const pairs = [{ control: 'a', test: 'a' }, { control: 'b', test: 'B' }, { test: 'c' }, { control: 'd' }];
    const [c, t] = teePairs(batches(pairs, 1));
    expect(await Promise.all([all(c), all(t)])).toEqual([['b\n', 'd\n'], ['B\n', 'c\n']]);
  });

  it('reads one side to its end before the other: a long run on one side cannot hold back the other', async () => {
    const run = Array.from({ length: 100_000 }, (_, i) => ({ test: `t${i}` }));
    const [c, t] = teePairs(batches([...run, { control: 'last' }], 64));
    // compare waits on control while test's lines pile up: control must still arrive.
    expect(await all(c)).toEqual(['last\n']);
    expect((await all(t)).length).toBe(100_000);
  });

  it('passes a failure of the stream to the side that reads it', async () => {
    async function* failing(): AsyncGenerator<JoinedPair[]> {
      yield [{ test: 'x' }];
      throw new Error('walk failed');
    }
    const [c] = teePairs(failing());
    await expect(all(c)).rejects.toThrow('walk failed');
  });
});
