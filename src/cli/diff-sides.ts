/**
 * The two sides of `preupd diff`: a live tree (walked with lazy contents) or a saved
 * manifest (read line by line, checked, its hashes reused).
 */
import { statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { ManifestLineReader } from '../diff/line-reader.js';
import { declaredHash, entryLineProblem, hashLineNumber } from '../diff/validate.js';
import { unescapeName, type HashAlgorithm } from '../manifest/format.js';
import { openFile, type OpenedFile } from './bart-compare.js';
import type { ParsedRules } from '../manifest/rules.js';
import { createFromRules, type CreateOptions } from '../walk/create-manifest.js';
import { linesOf as splitLines, TextChannel } from '../walk/line-merge.js';
import type { ContentsMode } from '../walk/context.js';
import { walkPair } from '../walk/diff-walk.js';
import { PAIR_TAGS } from '../walk/pair-walk.js';
import type { JoinedPair } from '../diff/lazy-contents.js';
import { untag } from '../diff/tagged-pairs.js';
import { strerror, nodeWalkFs } from '../walk/walk-fs.js';
import { resolveRelocRoot } from './create-run.js';
import { fromCwd } from './io.js';

export interface DiffSide {
  /** Entry lines in manifest order, in batches (live F lines carry the lazy-contents suffix). */
  lines: AsyncIterable<string[]>;
  /** The hash a manifest side was made with; undefined for a live tree. */
  manifestHash?: string;
  /** The line of a manifest side's header that declares its hash. */
  manifestHashLine?: number;
  /** Live trees walked without hashing: the relocation root (a byte string), to hash a printed name's file. */
  root?: string;
  /** Resolves to the walk's bart status (1 after warnings) once the lines are consumed. */
  status: Promise<number>;
}

const LINE_BATCH = 1024;

/** A live tree to walk (its relocation root, a byte string), or an opened manifest. */
export type SideSpec = { tree: string } | DiffSide;

/** Opens `path` as a live tree (a directory) or a manifest file. */
export async function openSide(path: string, cwd: string): Promise<SideSpec> {
  const full = fromCwd(cwd, path);
  const fail = (err: unknown) => new InputError(path, undefined, strerror(err));
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch (err) {
    throw fail(err);
  }
  // A manifest may be a pipe (`<(...)`, /dev/stdin), which has no real path.
  if (!isDir) return readManifestSide(path, full);
  try {
    // A tree is walked from its physical path (a byte string), as manifest create -R walks it.
    return { tree: resolveRelocRoot(path, cwd) };
  } catch (err) {
    throw fail(err);
  }
}

/**
 * A manifest read exactly as bart compare reads it (header lines only at the top, a last
 * line without newline dropped, comment and blank lines among the entries kept as entries),
 * with manifest compare's checks: a corrupt line is `file:line: what`, exit 2.
 */
async function readManifestSide(name: string, full: string): Promise<DiffSide> {
  let file: OpenedFile;
  try {
    file = await openFile('/', full);
  } catch (err) {
    throw new InputError(name, undefined, strerror(err));
  }
  const reader = new ManifestLineReader(file);
  await reader.open();
  const hash = declaredHash(reader.headerLines);
  if (hash === undefined) {
    await file.close();
    throw new InputError(name, 1, 'missing or invalid version line');
  }
  async function* entries(): AsyncGenerator<string[]> {
    try {
      let batch: string[] = [];
      for (let state = reader.state; state === 'line'; state = await reader.advance()) {
        const problem = entryLineProblem(reader.bytes, reader.start, reader.end);
        if (problem) throw new InputError(name, reader.lineNumber, problem);
        batch.push(reader.text());
        if (batch.length >= LINE_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      const problem = reader.endProblem();
      if (problem) throw new InputError(name, reader.lineNumber + 1, problem);
    } finally {
      await file.close();
    }
  }
  return { lines: entries(), manifestHash: hash.toLowerCase(), manifestHashLine: hashLineNumber(reader.headerLines), status: Promise.resolve(0) };
}

/**
 * Walks `root`. Without `hashHere`, nothing is hashed: F lines end with the lazy-contents
 * suffix, and the caller hashes what it must. With it, files are hashed as create hashes them.
 */
export function walkSide(root: string, rules: ParsedRules, hash: HashAlgorithm, onMessage: (text: string) => void, hashHere: boolean): DiffSide {
  const opts: CreateOptions = {
    relocRoot: root,
    // As manifest create without -n: hashing starts on and then follows the rules (§3.6).
    computeChecksum: true,
    hash,
    acl: 'auto',
    fs: nodeWalkFs,
    // One thread per side: the two walks run at once, and lazy hashing has its own threads.
    threads: 1,
    lazyContents: !hashHere,
  };
  const channel = new TextChannel();
  const status = createFromRules(opts, rules, { text: (blocks) => channel.push(blocks), message: onMessage }).finally(() =>
    channel.close(),
  );
  return { lines: linesOf(channel, status), root: hashHere ? undefined : root, status };
}

/**
 * Walks two trees at once (src/walk/diff-walk.ts): the lines of entries that differ or that
 * one tree has not, hashed where a report may show the contents, each as a pair of one side.
 */
export function walkBothTrees(
  roots: [string, string],
  rules: [ParsedRules, ParsedRules],
  hash: HashAlgorithm,
  mode: ContentsMode,
  sameLineage: boolean,
  onMessage: (text: string) => void,
): { pairs: AsyncIterable<JoinedPair[]>; status: Promise<number> } {
  const channel = new TextChannel();
  const opts = { relocRoots: roots, hash, mode, sameLineage, fs: nodeWalkFs, threads: 2 };
  const status = walkPair(opts, rules, { text: (blocks) => channel.push(blocks), message: onMessage }).finally(() => channel.close());
  return { pairs: untag(linesOf(channel, status), PAIR_TAGS), status };
}

/**
 * The lines a walk writes to `channel`, in batches; a walk that fails (a walking thread died)
 * throws here, at the end of its lines, so that compare stops rather than report a part.
 */
function linesOf(channel: TextChannel, status: Promise<number>): AsyncIterable<string[]> {
  // Observed at the end of the lines; until then a failure must not count as unhandled.
  status.catch(() => {});
  return (async function* () {
    for await (const blocks of channel.drain()) yield blocks.length === 1 ? splitLines(blocks[0]!) : blocks.flatMap(splitLines);
    await status;
  })();
}

/** The real path of a printed (escaped, root-relative) name. */
export function pathOf(root: string, name: string): string {
  return root + unescapeName(name);
}

