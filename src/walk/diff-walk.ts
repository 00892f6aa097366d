/**
 * Walks two trees at once for `preupd diff` (pair-walk.ts): the tagged lines of the entries
 * whose manifest lines differ, in name order, with bart's stderr texts and exit status.
 */
import type { HashAlgorithm } from '../manifest/format.js';
import { excludeFname, type ParsedRules } from '../manifest/rules.js';
import { contextFactory, type ContentsMode, type PairSettings, type WalkSettings } from './context.js';
import type { ManifestSink } from './create-manifest.js';
import { describeEntry, displayName } from './describe-entry.js';
import { isDir } from './job-walk.js';
import { openPool, type InThreadTuning } from './pool.js';
import type { WalkFs, WalkStat } from './walk-fs.js';

export interface PairWalkOptions {
  /** Control's and test's relocation roots (as CreateOptions.relocRoot). */
  relocRoots: [string, string];
  hash: HashAlgorithm;
  mode: ContentsMode;
  /** See PairSettings.sameLineage. */
  sameLineage: boolean;
  fs: WalkFs;
  threads: number;
  inThreadTuning?: InThreadTuning;
}

/**
 * The subtree roots, when each tree's rules walk one subtree, it is a directory, and both
 * print under one name (a glob such as `/usr/lib/python3.*` may match other names on each).
 */
function pairRoots(fs: WalkFs, rules: [ParsedRules, ParsedRules], relocRoots: [string, string]): [WalkStat, WalkStat] | undefined {
  if (rules.some((r) => r.rules.length !== 1 || r.invalidSubtree)) return undefined;
  const [c, t] = rules.map((r, s) => displayName(relocRoots[s]!, r.rules[0]!.subtree));
  if (c !== t) return undefined;
  const sts = rules.map((r) => {
    const st = fs.lstat(r.rules[0]!.subtree);
    // lstat results may be reused by the next call: keep what is read.
    return st && isDir(st) ? { ...st } : undefined;
  });
  // A root its rule prunes is not walked at all (create-manifest.ts): each tree on its own.
  if (rules.some((r) => excludeFname(r.rules[0]!.subtree, 'D', r.rules[0]!) === 'prune')) return undefined;
  return sts[0] && sts[1] ? [sts[0], sts[1]] : undefined;
}

/** Whether walkPair can walk these trees (else each is walked as manifest create does). */
export function pairWalkable(fs: WalkFs, rules: [ParsedRules, ParsedRules], relocRoots: [string, string]): boolean {
  return pairRoots(fs, rules, relocRoots) !== undefined;
}

/** Walks both trees; lines go to `sink` tagged with PAIR_TAGS. Resolves to bart's status. */
export async function walkPair(opts: PairWalkOptions, rules: [ParsedRules, ParsedRules], sink: ManifestSink): Promise<number> {
  const roots = pairRoots(opts.fs, rules, opts.relocRoots);
  if (!roots) throw new Error('internal: trees not walkable as a pair');
  // As manifest create without -n: hashing starts on and then follows the rules (§3.6).
  const sides = rules.map(
    (r, s): WalkSettings => ({ relocRoot: opts.relocRoots[s]!, rules: r.rules, computeChecksum: true, hash: opts.hash, acl: 'auto' }),
  ) as PairSettings['sides'];
  const messages: string[] = [];
  const subtrees = sides.map((side) => side.rules[0]!.subtree);
  const rootFsTypes = roots.map((st, s) => opts.fs.fsType(st.dev, subtrees[s]!)) as [string, string];
  const rootLines = await Promise.all(
    sides.map(async (side, s) => {
      const ctx = (await contextFactory(side, opts.fs))(0, rootFsTypes[s]!);
      return describeEntry(ctx, subtrees[s]!, roots[s]!, messages, side.rules[0]).line;
    }),
  );
  const pool = await openPool({ sides, mode: opts.mode, sameLineage: opts.sameLineage }, opts.threads, opts.fs, opts.inThreadTuning);
  try {
    const root = {
      sides: roots.map((st, s) => ({ dir: subtrees[s]!, dev: st.dev })) as [{ dir: string; dev: number }, { dir: string; dev: number }],
      rootLines: rootLines as [string | undefined, string | undefined],
      rootLineSorted: displayName(opts.relocRoots[0], subtrees[0]!) === '/',
    };
    await pool.walkPair(root, rootFsTypes, { text: (blocks) => sink.text(blocks), message: (m) => void messages.push(m) });
  } finally {
    await pool.close();
  }
  for (const m of messages) sink.message(m);
  return messages.length ? 1 : 0;
}
