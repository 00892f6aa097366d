/**
 * `bart create`: the manifest body of a rules-driven walk or of a file list, in bart's
 * order, with bart's stderr texts and exit status (spec/bart.md §3).
 */
import type { AclFlavor } from '../manifest/acl.js';
import type { HashAlgorithm } from '../manifest/format.js';
import { ATTR, defaultCreateRule, parseRules, type ParsedRules, type Rule } from '../manifest/rules.js';
import type { WalkSettings } from './context.js';
import { expandSubtree } from './expand-subtree.js';
import { Spool } from './spool.js';
import { cannotList, describeEntry, displayName } from './describe-entry.js';
import { canList, isDir } from './job-walk.js';
import { openPool, type InThreadTuning } from './pool.js';
import { perror, type FileId, type WalkFs, type WalkStat } from './walk-fs.js';
import type { WalkOutput } from './walker.js';
import { contextFactory } from './context.js';

export interface CreateOptions {
  /** Absolute, symlink-free `-R` directory without trailing slash; '' for `/`. */
  relocRoot: string;
  /** false with -n. */
  computeChecksum: boolean;
  hash: HashAlgorithm;
  acl: AclFlavor | 'auto';
  fs: WalkFs;
  /** Worker threads for walking and hashing; 0 walks in this thread (tests, memfs). */
  threads: number;
  /** In-thread walks only (tests): see InThreadTuning. */
  inThreadTuning?: InThreadTuning;
  /** For diff: see WalkContext.lazyContents. */
  lazyContents?: boolean;
  /**
   * For reintegration: L lines carry the whole target, where bart cuts the quoted target
   * at 1023 bytes (two targets that differ past it would read as equal: a lost change).
   */
  wholeDest?: boolean;
  /** See WalkContext.leaveOut. */
  leaveOut?: FileId[];
}

export interface ManifestSink {
  /** Sorted entry lines in batches of blocks, each block whole lines ending in '\n'. */
  text(blocks: string[]): void | Promise<void>;
  /** stderr text, newline-terminated, in bart's words. */
  message(text: string): void;
}

/** Reads a rules file for create: subtree lines are expanded on `fs` (§4.3). */
export function parseCreateRules(text: string, opts: CreateOptions): ParsedRules {
  return parseRules(text, {
    mode: 'create',
    initialFlags: opts.computeChecksum ? ATTR.contents : 0,
    relocRoot: opts.relocRoot,
    expandSubtree: (pattern: string) => expandSubtree(opts.fs, pattern),
  });
}

/**
 * Walks every rule's subtree (or the default rule's) and writes the merged manifest body.
 * Resolves to bart's exit status, quirks included (§3.9).
 */
export async function createFromRules(
  opts: CreateOptions,
  parsed: ParsedRules | undefined,
  sink: ManifestSink,
): Promise<number> {
  const rules: Rule[] = parsed
    ? parsed.rules
    : [defaultCreateRule(opts.relocRoot || '/', opts.computeChecksum ? ATTR.contents : 0)];
  // bart's exit status (§3.9): read_rules' value, overwritten by each rule's statvfs (0, or
  // -1 = 255 when it fails), then 1 after a walk once any walk has warned (eval_err sticks).
  let status = parsed?.invalidSubtree ? 1 : 0;
  let warned = false;
  const settings: WalkSettings = {
    relocRoot: opts.relocRoot,
    rules,
    computeChecksum: opts.computeChecksum,
    hash: opts.hash,
    acl: opts.acl,
    lazyContents: opts.lazyContents ?? false,
    wholeDest: opts.wholeDest ?? false,
    leaveOut: opts.leaveOut,
  };
  const pool = await openPool(settings, opts.threads, opts.fs, opts.inThreadTuning);
  const rootContext = await contextFactory(settings, opts.fs);
  const messages: string[] = [];
  // One subtree (the usual case) streams straight to the sink; several are spooled to
  // files and merged, since their lines may interleave (bart sorts a temporary file too).
  const spool = rules.length > 1 ? new Spool() : undefined;

  /** nftw64(subtree, FTW_PHYS): a symlink or file is one line; a directory is walked. */
  const walkSubtree = async (i: number, rootSt: WalkStat): Promise<void> => {
    const subtree = rules[i]!.subtree;
    const rootFsType = opts.fs.fsType(rootSt.dev, subtree);
    const ctx = rootContext(i, rootFsType);
    const out: WalkOutput = { text: spool ? spool.writer() : (blocks) => sink.text(blocks), message: (m) => void messages.push(m) };
    const rootLine = describeEntry(ctx, subtree, rootSt, messages, rules[i]);
    if (!isDir(rootSt)) {
      if (rootLine.line !== undefined) await out.text([rootLine.line + '\n']);
    } else if (rootLine.exclusion === 'prune') {
      // nftw opens the start directory before its callback prunes it, and honours the prune
      // there too (nftw.c walk(): FTW_PRUNE ends the walk): a warning at most, no lines.
      if (!canList(ctx, subtree)) messages.push(cannotList(subtree));
    } else {
      const root = { dir: subtree, dev: rootSt.dev, rootLine: rootLine.line, rootLineSorted: displayName(opts.relocRoot, subtree) === '/' };
      await pool.walk(root, i, rootFsType, out);
    }
  };
  try {
    for (let i = 0; i < rules.length; i++) {
      const subtree = rules[i]!.subtree;
      const root = statSubtree(opts.fs, subtree);
      if ('error' in root) {
        // bart's statvfs() of the subtree failed: perror, skip the rule (no walk: eval_err
        // is not looked at), status -1.
        messages.push(perror(subtree, root.error));
        status = 255;
        continue;
      }
      const before = messages.length;
      await walkSubtree(i, root.st);
      warned ||= messages.length > before;
      status = warned ? 1 : 0;
    }
    if (spool) await spool.merge(sink);
  } finally {
    spool?.remove();
    await pool.close();
  }
  for (const m of messages) sink.message(m);
  return status;
}

// illumos MAXSYMLINKS: symlinks stat() follows in a row before ELOOP.
const MAX_SYMLINKS = 20;

/**
 * A rule's subtree as bart meets it: its statvfs64() follows symlinks, so a dangling or
 * looping link (or an unsearchable parent) fails the rule, then nftw lstats the path itself.
 * The lstat of `path` (copied: a walking fs may reuse its result), or the error statvfs gets.
 */
export function statSubtree(fs: WalkFs, path: string): { st: WalkStat } | { error: unknown } {
  let st: WalkStat | undefined;
  try {
    st = fs.lstat(path);
  } catch (error) {
    return { error };
  }
  if (!st) return { error: { code: 'ENOENT' } };
  if ((st.mode & 0o170000) !== 0o120000) return { st };
  const own = { ...st };
  // lstat resolves every component but the last; the last is followed here, link by link.
  let at = path;
  for (let links = 0; st && (st.mode & 0o170000) === 0o120000; links++) {
    if (links === MAX_SYMLINKS) return { error: { code: 'ELOOP' } };
    try {
      const target = fs.readlink(at);
      at = target.startsWith('/') ? target : at.slice(0, at.lastIndexOf('/') + 1) + target;
      st = fs.lstat(at);
    } catch (error) {
      return { error };
    }
  }
  return st ? { st: own } : { error: { code: 'ENOENT' } };
}

/** `-I`: exactly the named entries, no rules, no recursion, sorted and unique (§3.7). */
export async function createFromList(opts: CreateOptions, names: readonly string[], sink: ManifestSink): Promise<number> {
  const settings: WalkSettings = {
    relocRoot: opts.relocRoot,
    rules: [],
    computeChecksum: opts.computeChecksum,
    hash: opts.hash,
    acl: opts.acl,
    wholeDest: opts.wholeDest ?? false,
  };
  const contextFor = await contextFactory(settings, opts.fs);
  const messages: string[] = [];
  const lines = new Set<string>();
  for (const name of names) {
    const path = opts.relocRoot === '' || name.startsWith('/') ? opts.relocRoot + name : `${opts.relocRoot}/${name}`;
    let st;
    try {
      st = opts.fs.lstat(path);
    } catch (err) {
      messages.push(perror(path, err));
      continue;
    }
    if (!st) {
      messages.push(perror(path, { code: 'ENOENT' }));
      continue;
    }
    const ctx = contextFor(0, opts.fs.fsType(st.dev, path));
    const { line } = describeEntry(ctx, path, st, messages, undefined);
    if (line !== undefined) lines.add(line);
  }
  await sink.text([...lines].sort().map((line) => line + '\n'));
  for (const m of messages) sink.message(m);
  return messages.length ? 1 : 0;
}
