/**
 * One unit of walking work: list a directory, lstat its entries, describe each as a
 * manifest line (hashing regular files), and return them as sort keys. Runs in a worker
 * thread in production and in-thread in tests; knows nothing about ordering across
 * directories (walker.ts does that).
 */
import { aclText, type AclFlavor } from '../manifest/acl.js';
import { typeOfMode } from '../manifest/entry.js';
import { escapeName, formatEntryLine } from '../manifest/format.js';
import { ATTR, checkRules, excludeFname, type Exclusion, type Rule } from '../manifest/rules.js';
import type { FileHasher } from './hasher.js';
import { strerror, type WalkFs, type WalkStat } from './walk-fs.js';

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
   * Files larger than this are not hashed while listing: their line ends without contents
   * and names them in `ListedItem.hashPath`, so that any thread can hash them (walker.ts).
   */
  deferHashAbove: number;
  /**
   * For diff: hash nothing; F lines end with `\t<ino>:<ctimeMs>:<mtimeMs>:<0|1>` (a tab
   * never occurs raw in a line; the flag says whether create would hash the file) so that
   * the caller decides which files need hashing.
   */
  lazyContents: boolean;
  /**
   * A directory with more entries than this is described by several jobs, so that all
   * threads share it (a node_modules directory of 43k entries kept one thread busy alone).
   */
  splitAbove: number;
}

/** A line or a subtree, keyed so that sorting keys sorts the manifest (see walker.ts). */
export interface ListedItem {
  /** Escaped name + ' ' for the entry's own line, + '/' for its subtree. */
  key: string;
  line?: string;
  /** Full path of a directory to walk next. */
  dir?: string;
  dev?: number;
  /** The line belongs to directory `dir`, printed only if that directory can be listed. */
  needsListing?: boolean;
  /** The line lacks its contents field: the digest of this file goes at its end. */
  hashPath?: string;
}

export interface DirListing {
  ok: boolean;
  items: ListedItem[];
  /** stderr text in bart's words, newline-terminated. */
  messages: string[];
  /**
   * Names of a large directory not described yet (see WalkContext.splitAbove): the items
   * are then incomplete and unsorted until walker.ts has had the rest described.
   */
  rest?: string[];
}

/** The name bart prints: the path without the relocation root, always starting with '/'. */
export function displayName(relocRoot: string, fullPath: string): string {
  const rest = fullPath.slice(relocRoot.length);
  return rest.startsWith('/') ? rest : '/' + rest;
}

/** A subtree without glob characters matches every path below it. */
const LITERAL = /^[^*?[\\]*$/;

const flavorCache = new Map<number, AclFlavor>();
function aclFlavor(ctx: WalkContext, st: WalkStat, path: string): AclFlavor {
  if (ctx.acl !== 'auto') return ctx.acl;
  let flavor = flavorCache.get(st.dev);
  if (!flavor) {
    flavor = ctx.fs.fsType(st.dev, path) === 'zfs' ? 'nfs4' : 'posix';
    flavorCache.set(st.dev, flavor);
  }
  return flavor;
}

/**
 * eval_file(): the manifest line for one entry, or none when the rule excludes it.
 * `rule` is undefined in -I mode (no rules, no exclusion, hashing per -n only).
 */
export function describeEntry(
  ctx: WalkContext,
  path: string,
  st: WalkStat,
  messages: string[],
  rule: Rule | undefined,
): { line?: string; exclusion: Exclusion; hashPath?: string } {
  const type = typeOfMode(st.mode);
  const exclusion = rule ? excludeFname(path, type, rule) : 'none';
  if (exclusion !== 'none') return { exclusion };
  if (type !== 'D' && type !== 'L' && rule) {
    // check_rules with the type forced to F, for every non-directory (§3.6). Perf: with a
    // single rule and a literal subtree that answer is the walked rule itself.
    const applying = ctx.rules.length === 1 && LITERAL.test(rule.subtree) ? rule : checkRules(ctx.rules, path, 'F');
    if (applying) ctx.computeChecksum = (applying.attrs & ATTR.contents) !== 0;
  }
  const name = displayName(ctx.relocRoot, path);
  const base = {
    name,
    type,
    size: st.size,
    mode: st.mode,
    acl: aclText(aclFlavor(ctx, st, path), st.mode, type === 'D', type === 'L'),
    mtime: Math.floor(st.mtimeMs / 1000),
    uid: st.uid,
    gid: st.gid,
  };
  if (type === 'F') {
    if (ctx.lazyContents) {
      // The last flag: whether create would hash this file (its rules, §3.6).
      const hashed = ctx.computeChecksum ? 1 : 0;
      const line = [formatEntryLine({ ...base, contents: '-' }), '\t', st.ino, ':', st.ctimeMs, ':', st.mtimeMs, ':', hashed].join('');
      return { exclusion, line };
    }
    if (ctx.computeChecksum && ctx.hashFile && st.size > ctx.deferHashAbove) {
      return { exclusion, line: formatEntryLine({ ...base, contents: '' }), hashPath: path };
    }
    return { exclusion, line: formatEntryLine({ ...base, contents: contentsOf(ctx, path, messages) }) };
  }
  if (type === 'L') {
    let dest: string | undefined;
    try {
      dest = ctx.fs.readlink(path);
    } catch (err) {
      messages.push(`${path}: ${strerror(err)}\n`);
    }
    return { exclusion, line: formatEntryLine({ ...base, dest }) };
  }
  if (type === 'B' || type === 'C') return { exclusion, line: formatEntryLine({ ...base, devnode: st.rdev }) };
  return { exclusion, line: formatEntryLine(base) };
}

function contentsOf(ctx: WalkContext, path: string, messages: string[]): string {
  if (!ctx.computeChecksum || !ctx.hashFile) return '-';
  const { contents, message } = hashContents(ctx, path);
  if (message) messages.push(message);
  return contents;
}

/** The contents field of a file and, when it cannot be read, bart's message for it. */
export function hashContents(ctx: WalkContext, path: string): { contents: string; message?: string } {
  const result = ctx.hashFile!(ctx.fs, path);
  if (result.ok) return { contents: result.digest };
  const message = result.stage === 'open' ? `${path}: ${strerror(result.error)}\n` : `WARNING: Checksum failed: ${path}\n`;
  return { contents: '-', message };
}

export const cannotList = (path: string) => `WARNING: cannot list directory: ${path}\n`;
export const unknownEntry = (path: string) => `WARNING: unknown directory entry: ${path}\n`;

/**
 * Lists directory `dir` (full path) whose own st_dev is `dev`. Items come back sorted,
 * unless the directory is large: then `rest` holds the names left for other jobs.
 */
export function listDirectory(ctx: WalkContext, dir: string, dev: number): DirListing {
  let names: string[];
  try {
    names = ctx.fs.readdir(dir);
  } catch {
    return { ok: false, items: [], messages: [cannotList(dir)] };
  }
  if (names.length > ctx.splitAbove) {
    const { items, messages } = describeNames(ctx, dir, dev, names.slice(0, ctx.splitAbove));
    return { ok: true, items, messages, rest: names.slice(ctx.splitAbove) };
  }
  const { items, messages } = describeNames(ctx, dir, dev, names);
  items.sort(byKey);
  return { ok: true, items, messages };
}

export const byKey = (a: ListedItem, b: ListedItem) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** lstat and describe entries `names` of directory `dir` (unsorted). */
export function describeNames(
  ctx: WalkContext,
  dir: string,
  dev: number,
  names: readonly string[],
): { items: ListedItem[]; messages: string[] } {
  const messages: string[] = [];
  const items: ListedItem[] = [];
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  for (const name of names) {
    const path = prefix + name;
    let st: WalkStat | undefined;
    try {
      st = ctx.fs.lstat(path);
    } catch {
      st = undefined; // ENAMETOOLONG and friends: nftw's FTW_NS
    }
    if (!st) {
      messages.push(unknownEntry(path));
      continue;
    }
    const key = escapeName(name);
    const { line, exclusion, hashPath } = describeEntry(ctx, path, st, messages, ctx.rule);
    if ((st.mode & 0o170000) !== 0o040000) {
      if (line !== undefined) items.push(hashPath ? { key: key + ' ', line, hashPath } : { key: key + ' ', line });
      continue;
    }
    const crossesMount = st.dev !== dev && ctx.fs.fsType(st.dev, path) !== ctx.rootFsType;
    if (exclusion !== 'prune' && !crossesMount) {
      items.push({ key: key + '/', dir: path, dev: st.dev });
      if (line !== undefined) items.push({ key: key + ' ', line, dir: path, needsListing: true });
    } else if (line !== undefined) {
      // nftw opens every directory before reporting it: an unreadable one is never listed.
      if (canList(ctx.fs, path)) items.push({ key: key + ' ', line });
      else messages.push(cannotList(path));
    }
  }
  return { items, messages };
}

function canList(fs: WalkFs, path: string): boolean {
  try {
    fs.readdir(path);
    return true;
  } catch {
    return false;
  }
}
