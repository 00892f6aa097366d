/**
 * bart's eval_file(): the manifest line of one entry from its lstat (hashing regular files),
 * and the stderr texts of a walk. Used by walking jobs (job-walk.ts) and by `-I` lists.
 */
import { aclText, type AclFlavor } from '../manifest/acl.js';
import { hex32, typeOfMode } from '../manifest/entry.js';
import { DEST_CAP, destField, escapeName, formatLine } from '../manifest/format.js';
import { ATTR, checkRules, excludeFname, type Exclusion, type Rule } from '../manifest/rules.js';
import type { FileHasher } from './hasher.js';
import { strerror, type FileId, type WalkFs, type WalkStat } from './walk-fs.js';

export interface WalkContext {
  fs: WalkFs;
  /** Absolute `-R` directory without trailing slash, or '' (spec/bart.md §2.4). */
  relocRoot: string;
  /** The rule whose subtree is being walked (exclusions). */
  rule: Rule;
  /** All rules: the last matching one decides hashing (check_rules, §3.6). */
  rules: readonly Rule[];
  /** bart's global compute_chksum: starts as "not -n", then follows the rules (stale on no match). */
  computeChecksum: boolean;
  hashFile: FileHasher | undefined;
  acl: AclFlavor | 'auto';
  /** File-system type of the walk root: directories on another type are listed, not entered. */
  rootFsType: string;
  /**
   * For diff: hash nothing; F lines end with `\t<ino>:<ctimeMs>:<mtimeMs>:<0|1>` (a tab
   * never occurs raw in a line; the flag says whether create would hash the file) so that
   * the caller decides which files need hashing.
   */
  lazyContents: boolean;
  /** For reintegration: symlink targets whole, not cut as bart cuts them (see CreateOptions). */
  wholeDest: boolean;
  /** Files the walk does not list: the manifest's own output file (see DataOutput.files). */
  leaveOut: readonly FileId[];
}

/** The name bart prints: the path without the relocation root, always starting with '/'. */
export function displayName(relocRoot: string, fullPath: string): string {
  const rest = fullPath.slice(relocRoot.length);
  return rest.startsWith('/') ? rest : '/' + rest;
}

/** A subtree without glob characters matches every path below it. */
const LITERAL = /^[^*?[\\]*$/;

const flavorCache = new Map<number, AclFlavor>();
export function aclFlavor(ctx: WalkContext, st: WalkStat, path: string): AclFlavor {
  if (ctx.acl !== 'auto') return ctx.acl;
  let flavor = flavorCache.get(st.dev);
  if (!flavor) {
    flavor = ctx.fs.fsType(st.dev, path) === 'zfs' ? 'nfs4' : 'posix';
    flavorCache.set(st.dev, flavor);
  }
  return flavor;
}

/**
 * bart's global compute_chksum as eval_file() leaves it after `path`: check_rules with the
 * type forced to F, for every entry but directories and symlinks (§3.6).
 */
export function noteChecksumRule(ctx: WalkContext, path: string, type: string, rule: Rule): boolean {
  if (type !== 'D' && type !== 'L') {
    // Perf: with a single rule and a literal subtree, the answer is the walked rule itself.
    const applying = ctx.rules.length === 1 && LITERAL.test(rule.subtree) ? rule : checkRules(ctx.rules, path, 'F');
    if (applying) ctx.computeChecksum = (applying.attrs & ATTR.contents) !== 0;
  }
  return ctx.computeChecksum;
}

/**
 * eval_file(): the manifest line for one entry, or none when the rule excludes it.
 * `rule` is undefined in -I mode (no rules, no exclusion, hashing per -n only). Walks pass
 * the escaped printed name, which they build directory by directory. `hash` false leaves the
 * contents `-` whatever the rules say (diff, where the contents are known to be equal or
 * are never shown).
 */
export function describeEntry(
  ctx: WalkContext,
  path: string,
  st: WalkStat,
  messages: string[],
  rule: Rule | undefined,
  escapedName = escapeName(displayName(ctx.relocRoot, path)),
  hash = true,
): { line?: string; exclusion: Exclusion } {
  const type = typeOfMode(st.mode);
  const exclusion = rule ? excludeFname(path, type, rule) : 'none';
  if (exclusion !== 'none') return { exclusion };
  if (rule) noteChecksumRule(ctx, path, type, rule);
  const acl = aclText(aclFlavor(ctx, st, path), st.mode, type === 'D', type === 'L');
  const mtime = st.mtimeSec;
  let last: string | undefined;
  if (type === 'F') {
    if (ctx.lazyContents) {
      const line = formatLine(escapedName, type, st.size, st.mode, acl, mtime, st.uid, st.gid, '-');
      // The last flag: whether create would hash this file (its rules, §3.6).
      return { exclusion, line: [line, '\t', st.ino, ':', st.ctimeMs, ':', st.mtimeMs, ':', ctx.computeChecksum ? 1 : 0].join('') };
    }
    last = hash ? contentsOf(ctx, path, st.size, messages) : '-';
  } else if (type === 'L') {
    let dest: string | undefined;
    try {
      dest = ctx.fs.readlink(path);
    } catch (err) {
      messages.push(`${path}: ${strerror(err)}\n`);
    }
    last = destField(dest, ctx.wholeDest ? Infinity : DEST_CAP);
  } else if (type === 'B' || type === 'C') {
    last = hex32(st.rdev);
  }
  return { exclusion, line: formatLine(escapedName, type, st.size, st.mode, acl, mtime, st.uid, st.gid, last) };
}

function contentsOf(ctx: WalkContext, path: string, size: number, messages: string[]): string {
  if (!ctx.computeChecksum || !ctx.hashFile) return '-';
  const { contents, message } = hashContents(ctx, path, size);
  if (message) messages.push(message);
  return contents;
}

/** The contents field of a file and, when it cannot be read, bart's message for it. */
export function hashContents(ctx: WalkContext, path: string, size?: number): { contents: string; message?: string } {
  const result = ctx.hashFile!(ctx.fs, path, size);
  if (result.ok) return { contents: result.digest };
  const message = result.stage === 'open' ? `${path}: ${strerror(result.error)}\n` : `WARNING: Checksum failed: ${path}\n`;
  return { contents: '-', message };
}

export const cannotList = (path: string) => `WARNING: cannot list directory: ${path}\n`;
export const unknownEntry = (path: string) => `WARNING: unknown directory entry: ${path}\n`;
