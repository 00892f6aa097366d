import type { AclFlavor } from '../manifest/acl.js';
import type { HashAlgorithm } from '../manifest/format.js';
import type { Rule } from '../manifest/rules.js';
import { createFileHasher } from './hasher.js';
import type { WalkContext } from './describe-entry.js';
import type { WalkFs } from './walk-fs.js';

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
      };
      contexts.set(key, ctx);
    }
    return ctx;
  };
}
