import { describe, expect, it } from 'vitest';
import { untag } from './tagged-pairs.js';

describe('untag', () => {
  it('makes each tagged line a pair of its side, in order, never pairing two lines', async () => {
    async function* source() {
      yield ['c/a F 1', 't/a F 1', 'c/b D 3'];
      yield ['t/c L 4'];
    }
    const out = [];
    for await (const batch of untag(source(), ['c', 't'])) out.push(...batch);
    expect(out).toEqual([{ control: '/a F 1' }, { test: '/a F 1' }, { control: '/b D 3' }, { test: '/c L 4' }]);
  });
});
