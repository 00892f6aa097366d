/**
 * A walking job: list a directory, then keep going depth-first into its subdirectories, in
 * output order, until the budget is spent. Perf: one postMessage round trip per chunk
 * instead of per directory; on /usr (mostly tiny directories) per-directory jobs left both
 * workers idle a quarter of the time.
 */
import { listDirectory, type DirListing, type WalkContext } from './list-dir.js';

export interface DirJob {
  dir: string;
  dev: number;
}

export interface WalkChunk {
  /** Listings of `job.dir` and of descendants, in depth-first output order. */
  listings: Array<[dir: string, listing: DirListing]>;
  /** Subdirectories seen but not listed, earliest in output order first. */
  unvisited: DirJob[];
}

/** How much one chunk may do: stop after `ms` of work or `directories` listings. */
export interface ChunkBudget {
  ms: number;
  directories: number;
}

// Perf: 5 ms chunks keep message overhead under a few percent and output latency low.
export const DEFAULT_BUDGET: ChunkBudget = { ms: 5, directories: Infinity };

function subdirectories(listing: DirListing): DirJob[] {
  const dirs: DirJob[] = [];
  for (const item of listing.items) if (item.dir !== undefined && !item.needsListing) dirs.push({ dir: item.dir, dev: item.dev! });
  return dirs;
}

export function walkChunk(ctx: WalkContext, job: DirJob, budget: ChunkBudget = DEFAULT_BUDGET): WalkChunk {
  const start = performance.now();
  const listings: WalkChunk['listings'] = [];
  // Stack with the next directory in output order on top.
  const stack: DirJob[] = [job];
  while (stack.length > 0) {
    if (listings.length >= budget.directories || (listings.length > 0 && performance.now() - start > budget.ms)) break;
    const next = stack.pop()!;
    const listing = listDirectory(ctx, next.dir, next.dev);
    listings.push([next.dir, listing]);
    const subdirs = subdirectories(listing);
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
  return { listings, unvisited: stack.reverse() };
}
