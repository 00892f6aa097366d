/**
 * Directories waiting to be walked, handed out in output order: a directory's lines come
 * at its escaped path + '/' in the manifest, so that string orders the queue (a min-heap).
 * Chunks finish in any order; this keeps the walk just ahead of the output.
 */
import { escapeName } from '../manifest/format.js';
import type { DirJob } from './walk-chunk.js';

interface Queued {
  key: string;
  job: DirJob;
}

export class DirQueue {
  private readonly heap: Queued[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(job: DirJob): void {
    this.insert({ key: escapeName(job.dir) + '/', job });
  }

  private insert(item: Queued): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.key <= heap[i]!.key) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** The directory the output will need first. */
  pop(): DirJob | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top?.job;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && heap[l]!.key < heap[min]!.key) min = l;
      if (r < heap.length && heap[r]!.key < heap[min]!.key) min = r;
      if (min === i) break;
      [heap[min], heap[i]] = [heap[i]!, heap[min]!];
      i = min;
    }
    return top.job;
  }

  /** Takes `dir` out of the queue if it is there (the output asked for it directly). */
  remove(dir: string): void {
    if (this.heap[0]?.job.dir === dir) {
      this.pop();
      return;
    }
    const at = this.heap.findIndex((q) => q.job.dir === dir);
    if (at < 0) return;
    // Rare (the output asks for the first one): rebuild rather than sift.
    this.heap.splice(at, 1);
    for (const q of this.heap.splice(0)) this.insert(q);
  }
}
