import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeOrder } from './sequence-merge.js';

// Helpers: three orderings of subsets of the same small id pool.
const pool = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const orderArb = fc.shuffledSubarray(pool).chain((ids) => fc.shuffledSubarray(ids, { minLength: ids.length }));

describe('mergeOrder', () => {
  it('takes the side that changed a region and keeps stable items in place', () => {
    expect(mergeOrder(['a', 'b', 'c'], ['a', 'x', 'b', 'c'], ['a', 'b', 'c', 'y'])).toEqual(['a', 'x', 'b', 'c', 'y']);
  });

  it('puts both sides’ items in a region both changed, admin’s first', () => {
    expect(mergeOrder(['a', 'b'], ['a', 'x', 'b'], ['a', 'y', 'b'])).toEqual(['a', 'x', 'y', 'b']);
  });

  it('keeps an item one side moved into a region the other side rewrote', () => {
    const merged = mergeOrder(['x', 'a', 'b', 'c'], ['x', 'a', 'n', 'c'], ['a', 'b', 'x', 'c']);
    expect([...merged].sort()).toEqual(['a', 'b', 'c', 'n', 'x']);
  });
});

describe('mergeOrder properties', () => {
  it('should hold every item of admin or update exactly once', () => {
    fc.assert(fc.property(orderArb, orderArb, orderArb, (base, admin, update) => {
      const merged = mergeOrder(base, admin, update);
      expect([...merged].sort()).toEqual([...new Set([...admin, ...update])].sort());
    }));
  });

  it('should follow update’s order when admin kept base’s', () => {
    fc.assert(fc.property(orderArb, orderArb, (base, update) => {
      const merged = mergeOrder(base, base, update);
      expect(merged.filter((id) => update.includes(id))).toEqual(update);
    }));
  });

  it('should follow admin’s order when update kept base’s', () => {
    fc.assert(fc.property(orderArb, orderArb, (base, admin) => {
      const merged = mergeOrder(base, admin, base);
      expect(merged.filter((id) => admin.includes(id))).toEqual(admin);
    }));
  });
});
