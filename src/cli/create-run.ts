/**
 * What `preupd manifest create` and `preupd bart create` share: read the rules or the file
 * list, print the header, walk, write the sorted body.
 */
import * as fs from 'node:fs';
import { formatHeader, type HashAlgorithm } from '../manifest/format.js';
import type { AclFlavor } from '../manifest/acl.js';
import type { ParsedRules } from '../manifest/rules.js';
import { createFromList, createFromRules, parseCreateRules, type CreateOptions } from '../walk/create-manifest.js';
import { nodeWalkFs } from '../walk/walk-fs.js';
import { countLines } from '../walk/line-merge.js';
import { WALK_THREADS } from '../walk/pool.js';
import type { DataOutput } from './output-file.js';
import { fromCwd, type CliIo } from './io.js';
import { NO_PROGRESS, type Progress } from './progress.js';

export interface CreateRequest {
  relocRoot: string;
  computeChecksum: boolean;
  /** Algorithm named in the header; MD5 and -n give `! Version 1.0`. */
  hash: HashAlgorithm;
  acl: AclFlavor | 'auto';
  rules?: { file: string; text: string };
  /** -I mode: the names to list. */
  fileList?: readonly string[];
}

/**
 * Resolves a tree root named on the command line (`-R dir`, a diff side) as bart does (chdir
 * + getcwd): the physical absolute path, symlinks followed, '' for `/`. `dir` and `cwd` are
 * node:fs strings; the result is the walker's byte string (walk-fs.ts), read back as bytes.
 * `..` is left to the kernel, after any symlink before it (path.resolve would drop `link/..`).
 */
export function resolveRelocRoot(dir: string, cwd: string): string {
  // chdir fails on '' and on anything but a directory; realpath does not.
  if (dir === '') throw Object.assign(new Error('empty path'), { code: 'ENOENT' });
  const real = fs.realpathSync.native(fromCwd(cwd, dir), 'buffer');
  if (!fs.statSync(real).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  // chdir also needs search permission (EACCES); access() asks without moving the process.
  fs.accessSync(real, fs.constants.X_OK);
  const text = real.toString('latin1');
  return text === '/' ? '' : text;
}

/** The manifest date: now, or SOURCE_DATE_EPOCH when set (reproducible output). */
export function manifestDate(env: NodeJS.ProcessEnv): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

export function walkOptions(req: CreateRequest): CreateOptions {
  return {
    relocRoot: req.relocRoot,
    computeChecksum: req.computeChecksum,
    hash: req.hash,
    acl: req.acl,
    fs: nodeWalkFs,
    threads: WALK_THREADS,
  };
}

export function parseRequestRules(req: CreateRequest): ParsedRules | undefined {
  return req.rules ? parseCreateRules(req.rules.text, walkOptions(req)) : undefined;
}

/** Writes header and body to `out`; returns bart's exit status for the walk. */
export async function writeManifest(
  req: CreateRequest,
  parsed: ParsedRules | undefined,
  io: CliIo,
  out: DataOutput,
  progress: Progress = NO_PROGRESS,
): Promise<number> {
  // The header names --hash even with -n: a manifest without contents still compares with one
  // hashed the same way (MD5's `! Version 1.0` is what bart create -n writes).
  await out.write(formatHeader(req.hash, manifestDate(io.env)));
  const sink = {
    text: (blocks: string[]) => {
      if (progress !== NO_PROGRESS) progress.add(countLines(blocks));
      return out.write(blocks.join(''));
    },
    message: (text: string) => io.stderr(Buffer.from(text, 'latin1')),
  };
  const options = { ...walkOptions(req), leaveOut: out.files };
  try {
    return req.fileList ? await createFromList(options, req.fileList, sink) : await createFromRules(options, parsed, sink);
  } finally {
    progress.done();
  }
}

/** stdout as a DataOutput (byte strings as latin1). */
export function stdoutOutput(io: CliIo): DataOutput {
  return {
    write: (text) => io.stdout(Buffer.from(text, 'latin1')),
    commit: () => {},
    abort: () => {},
  };
}
