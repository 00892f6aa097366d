import { describe, expect, it } from 'vitest';
import { pairTagged } from './tagged-pairs.js';

async function pairs(batches: string[][]) {
  async function* source() {
    yield* batches;
  }
  const out = [];
  for await (const batch of pairTagged(source(), ['c', 't'])) out.push(...batch);
  return out;
}

describe('pairTagged', () => {
  it('pairs a name on both trees, keeps a name on one tree alone, across batch ends', async () => {
    const lines = ['c/a F 1', 't/a F 2', 'c/b D 3', 't/c L 4', 'c/d F 5', 't/d F 6', 'c/e F 7'];
    const expected = [
      { control: '/a F 1', test: '/a F 2' },
      { control: '/b D 3' },
      { test: '/c L 4' },
      { control: '/d F 5', test: '/d F 6' },
      { control: '/e F 7' },
    ];
    expect(await pairs([lines])).toEqual(expected);
    // Every way of cutting the stream into two batches gives the same pairs.
    for (let cut = 0; cut <= lines.length; cut++) expect(await pairs([lines.slice(0, cut), lines.slice(cut)])).toEqual(expected);
  });

  it('does not pair names that only share a prefix', async () => {
    expect(await pairs([['c/a F 1', 't/a.b F 1']])).toEqual([{ control: '/a F 1' }, { test: '/a.b F 1' }]);
  });
});
