/**
 * The two sides of `preupd diff`: a live tree (walked with lazy contents) or a saved
 * manifest (read line by line, checked, its hashes reused).
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseEntryLine, parseHeader, unescapeName, type HashAlgorithm } from '../manifest/format.js';
import type { ParsedRules } from '../manifest/rules.js';
import { createFromRules, type CreateOptions } from '../walk/create-manifest.js';
import { LineChannel } from '../walk/line-merge.js';
import { strerror, nodeWalkFs } from '../walk/walk-fs.js';

export interface DiffSide {
  /** Entry lines in manifest order (live F lines carry the lazy-contents suffix). */
  lines: AsyncIterable<string>;
  /** The hash a manifest side was made with; undefined for a live tree. */
  manifestHash?: string;
  /** Live trees: the relocation root, to turn a printed name back into a path. */
  root?: string;
  /** Resolves to the walk's bart status (1 after warnings) once the lines are consumed. */
  status: Promise<number>;
}

/** A live tree to walk (its relocation root), or an opened manifest. */
export type SideSpec = { tree: string } | DiffSide;

/** Opens `path` as a live tree (a directory) or a manifest file. */
export async function openSide(path: string, cwd: string): Promise<SideSpec> {
  const full = resolve(cwd, path);
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch (err) {
    throw new InputError(path, undefined, strerror(err));
  }
  return isDir ? { tree: full === '/' ? '' : full } : readManifestSide(path, full);
}

async function readManifestSide(name: string, full: string): Promise<DiffSide> {
  const lines = createInterface({ input: createReadStream(full, { encoding: 'latin1' }), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const header: string[] = [];
  let first: string | undefined;
  for (;;) {
    const r = await lines.next();
    if (r.done) break;
    if (r.value.startsWith('!') || r.value.startsWith('#')) header.push(r.value);
    else {
      first = r.value;
      break;
    }
  }
  let hash: string;
  try {
    hash = parseHeader(header).hash;
  } catch (err) {
    throw new InputError(name, 1, (err as Error).message);
  }
  const headerLength = header.length;
  async function* entries(): AsyncGenerator<string> {
    let lineNo = headerLength;
    const check = (line: string) => {
      lineNo++;
      try {
        parseEntryLine(line);
      } catch (err) {
        throw new InputError(name, lineNo, (err as Error).message);
      }
      return line;
    };
    if (first !== undefined) yield check(first);
    for (let r = await lines.next(); !r.done; r = await lines.next()) yield check(r.value);
  }
  return { lines: entries(), manifestHash: hash, status: Promise.resolve(0) };
}

/** Walks `root` without hashing: F lines end with the lazy-contents suffix. */
export function walkSide(root: string, rules: ParsedRules, hash: HashAlgorithm, onMessage: (text: string) => void): DiffSide {
  const opts: CreateOptions = {
    relocRoot: root,
    computeChecksum: false,
    hash,
    acl: 'auto',
    fs: nodeWalkFs,
    // One thread per side: the two walks run at once, and hashing has its own threads.
    threads: 1,
    lazyContents: true,
  };
  const channel = new LineChannel();
  const status = createFromRules(opts, rules, { lines: (batch) => channel.push(batch), message: onMessage }).finally(() =>
    channel.close(),
  );
  return { lines: channel, root, status };
}

/** The real path of a printed (escaped, root-relative) name. */
export function pathOf(root: string, name: string): string {
  return root + unescapeName(name);
}

