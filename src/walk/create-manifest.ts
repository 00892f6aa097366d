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
import { describeEntry, displayName } from './describe-entry.js';
import { openPool, type InThreadTuning } from './pool.js';
import { strerror, type FileId, type WalkFs } from './walk-fs.js';
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
  let status = parsed?.invalidSubtree ? 1 : 0;
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
  try {
    for (let i = 0; i < rules.length; i++) {
      const subtree = rules[i]!.subtree;
      const rootSt = opts.fs.lstat(subtree);
      if (!rootSt) {
        // bart's statvfs() of the subtree failed: perror, skip the rule, status -1 (255).
        messages.push(`${subtree}: ${strerror({ code: 'ENOENT' })}\n`);
        status = 255;
        continue;
      }
      status = 0;
      const rootFsType = opts.fs.fsType(rootSt.dev, subtree);
      const out: WalkOutput = { text: spool ? spool.writer() : (blocks) => sink.text(blocks), message: (m) => void messages.push(m) };
      const rootLine = describeEntry(rootContext(i, rootFsType), subtree, rootSt, messages, rules[i]);
      if ((rootSt.mode & 0o170000) === 0o040000) {
        const root = { dir: subtree, dev: rootSt.dev, rootLine: rootLine.line, rootLineSorted: displayName(opts.relocRoot, subtree) === '/' };
        await pool.walk(root, i, rootFsType, out);
      } else if (rootLine.line !== undefined) {
        await out.text([rootLine.line + '\n']);
      }
    }
    if (spool) await spool.merge(sink);
  } finally {
    spool?.remove();
    await pool.close();
  }
  for (const m of messages) sink.message(m);
  return messages.length ? 1 : status;
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
      messages.push(`${path}: ${strerror(err)}\n`);
      continue;
    }
    if (!st) {
      messages.push(`${path}: ${strerror({ code: 'ENOENT' })}\n`);
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
