import type { AclFlavor } from '../manifest/acl.js';
import type { HashAlgorithm } from '../manifest/format.js';
import type { Rule } from '../manifest/rules.js';
import { alignedBuffer, CHUNK_SIZE, createFileHasher } from './hasher.js';
import type { WalkContext } from './describe-entry.js';
import type { FileId, WalkFs } from './walk-fs.js';

/** Everything a walking thread needs, as plain data (it crosses postMessage). */
export interface WalkSettings {
  relocRoot: string;
  rules: Rule[];
  /** Hash contents unless the rules say otherwise (false with -n). */
  computeChecksum: boolean;
  hash: HashAlgorithm;
  acl: AclFlavor | 'auto';
  /** See WalkContext.lazyContents. */
  lazyContents?: boolean;
  /** See WalkContext.wholeDest. */
  wholeDest?: boolean;
  /** See WalkContext.leaveOut. */
  leaveOut?: FileId[];
}

/** Builds the per-thread contexts: one per rule, sharing one hasher. */
export async function contextFactory(
  settings: WalkSettings,
  fs: WalkFs,
): Promise<(ruleIndex: number, rootFsType: string) => WalkContext> {
  const hashFile = await createFileHasher(settings.hash);
  const contexts = new Map<string, WalkContext>();
  return (ruleIndex, rootFsType) => {
    const key = `${ruleIndex}\0${rootFsType}`;
    let ctx = contexts.get(key);
    if (!ctx) {
      ctx = {
        fs,
        relocRoot: settings.relocRoot,
        rule: settings.rules[ruleIndex]!,
        rules: settings.rules,
        computeChecksum: settings.computeChecksum,
        hashFile,
        acl: settings.acl,
        rootFsType,
        lazyContents: settings.lazyContents ?? false,
        wholeDest: settings.wholeDest ?? false,
        leaveOut: settings.leaveOut ?? [],
      };
      contexts.set(key, ctx);
    }
    return ctx;
  };
}

/** How diff decides that two files of equal size have equal contents (spec/cli.md). */
export type ContentsMode = 'default' | 'paranoid' | 'quick';

/** A walk of two trees at once (pair-walk.ts), as plain data. */
export interface PairSettings {
  /** Control and test: each tree's own relocation root and rules (one rule each). */
  sides: [WalkSettings, WalkSettings];
  mode: ContentsMode;
  /**
   * The trees are one ZFS lineage (snapshots and clones of one dataset keep object
   * numbers, root included): same inode, size, mtime and ctime is the same file.
   */
  sameLineage: boolean;
}

export interface PairContext {
  sides: [WalkContext, WalkContext];
  mode: ContentsMode;
  sameLineage: boolean;
  /** Read buffers for comparing two files, one per side (page-aligned, see hasher.ts). */
  buffers: [Uint8Array, Uint8Array];
}

/**
 * Builds a thread's pair contexts. Each side has a file system of its own: a walking
 * thread's lstat result is one object per file system, and a pair needs both at once.
 */
export async function pairContextFactory(
  settings: PairSettings,
  fsOf: () => WalkFs,
): Promise<(rootFsTypes: [string, string]) => PairContext> {
  const [control, test] = await Promise.all(settings.sides.map((side) => contextFactory(side, fsOf())));
  const buffers: [Uint8Array, Uint8Array] = [alignedBuffer(CHUNK_SIZE), alignedBuffer(CHUNK_SIZE)];
  return ([c, t]) => ({ sides: [control!(0, c), test!(0, t)], mode: settings.mode, sameLineage: settings.sameLineage, buffers });
}
