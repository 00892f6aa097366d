/**
 * planReintegration: base, admin and update entry streams in, a Plan out (spec/reintegration.md).
 * Pure: file contents (R5 merges), inodes (R9) and the ramdisk list come through PlanSources.
 * One pass over the joined streams; only paths with something to do or report become steps.
 */
import { createHash } from 'node:crypto';
import { delivers, type PathEntry, preserveOf } from '../ips/index.js';
import type { ManifestEntry } from '../manifest/entry.js';
import { formatEntryLine } from '../manifest/format.js';
import type { PlanSources } from './content-conflict.js';
import { decidePath } from './decide-path.js';
import { isExcluded } from './exclusions.js';
import { type JoinedEntry, joinEntries, type RootStreams } from './join.js';
import { DirectoryGuard, linkAdminHardLinks, ramdiskTouched } from './plan-passes.js';
import type { Plan, PlanStep } from './plan-types.js';

export interface PlanRequest {
  /** Root paths, recorded in the plan for the report and the `--plan` check. */
  readonly roots: RootStreams<string>;
  readonly entries: RootStreams<AsyncIterable<ManifestEntry>>;
  /** IPS path indexes (empty for plain directories): update's governs, base's fills in. */
  readonly updateIndex: ReadonlyMap<string, PathEntry>;
  readonly baseIndex: ReadonlyMap<string, PathEntry>;
  readonly sources: PlanSources;
  readonly now: Date;
  /** Paths this pass leaves out besides what is never reintegrated (exclusions.ts). */
  readonly exclude?: readonly string[];
}

/** A plan's stamp (`20261204T010203Z`): when it was made, to the second; names its saved copies. */
const stampOf = (now: Date): string => now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** The time a stamp stands for: planning again at it gives the same plan (the planner is pure). */
export function timeOfStamp(stamp: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(stamp)!.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

export async function planReintegration(request: PlanRequest): Promise<Plan> {
  const stamp = stampOf(request.now);
  const digests = { base: createHash('sha256'), admin: createHash('sha256'), update: createHash('sha256') };
  const tapped = (root: keyof typeof digests) => fingerprinted(request.entries[root], digests[root]);
  const steps: PlanStep[] = [];
  const stepEntries: JoinedEntry[] = [];
  const guard = new DirectoryGuard();
  let [unchanged, excluded] = [0, 0];
  const names = { stamp };
  const ctx = {
    names,
    sources: request.sources,
    // update's packages decide; base's only for a path update no longer delivers (or no image).
    preserveOf: (path: string) => preserveOf(delivers(request.updateIndex, path) ? request.updateIndex : request.baseIndex, path),
  };
  for await (const joined of joinEntries({ base: tapped('base'), admin: tapped('admin'), update: tapped('update') })) {
    const { path, base, admin, update } = joined;
    if (path === '/' || isExcluded(path, [base?.type, admin?.type, update?.type], request.exclude)) {
      if (path === '/') continue;
      excluded++;
      // What update has there stays in the target, and so do its parents (var for var/pkg).
      guard.visit(joined);
      continue;
    }
    const decided = await decidePath(joined, ctx);
    guard.visit(joined, decided, steps.length);
    if (decided) {
      steps.push(decided);
      stepEntries.push(joined);
    } else unchanged++;
  }
  const fingerprint = { base: digests.base.digest('hex'), admin: digests.admin.digest('hex'), update: digests.update.digest('hex') };
  // Same inputs, same id: a second reintegrate of the same roots finds its journal complete.
  const id = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 16);
  const kept = guard.apply(steps, (i) => stepEntries[i]!, names);
  const linked = await linkAdminHardLinks(kept, request.sources);
  return {
    version: 1,
    id,
    stamp,
    inputs: { ...request.roots, fingerprint },
    unchanged,
    excluded,
    steps: linked,
    bootArchive: await ramdiskTouched(linked, request.sources),
  };
}

async function* fingerprinted(entries: AsyncIterable<ManifestEntry>, hash: ReturnType<typeof createHash>): AsyncGenerator<ManifestEntry> {
  for await (const entry of entries) {
    hash.update(formatEntryLine(entry) + '\n', 'latin1');
    yield entry;
  }
}
