import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeName } from '../manifest/format.js';
import { DirQueue } from './dir-queue.js';

const dirArb = fc
  .array(fc.constantFrom('a', 'b', ' ', '-', '\x01', '.', '0'), { minLength: 1, maxLength: 3 })
  .map((cs) => cs.join(''));
const pathArb = fc.array(dirArb, { minLength: 1, maxLength: 4 }).map((segs) => '/r/' + segs.join('/'));

describe('DirQueue', () => {
  it('hands directories out in the order their lines appear in a manifest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(pathArb, { maxLength: 30 }), (dirs) => {
        const queue = new DirQueue();
        for (const dir of dirs) queue.push({ dir, dev: 0 });
        const out: string[] = [];
        for (let job = queue.pop(); job; job = queue.pop()) out.push(job.dir);
        const key = (d: string) => escapeName(d) + '/';
        expect(out).toEqual([...dirs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)));
      }),
    );
  });

  it('takes out a directory the output asked for directly', () => {
    const queue = new DirQueue();
    for (const dir of ['/r/c', '/r/a', '/r/b']) queue.push({ dir, dev: 0 });
    queue.remove('/r/b');
    queue.remove('/r/a');
    expect([queue.pop()?.dir, queue.pop()?.dir, queue.size]).toEqual(['/r/c', undefined, 0]);
  });
});
