/**
 * `preupd bart compare`: a drop-in for illumos `bart compare` (spec/bart.md §5), same
 * options, output bytes, messages and exit codes.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { compareManifests } from '../diff/compare.js';
import { ManifestLineReader, type ByteSource } from '../diff/line-reader.js';
import { ChunkedOutput, changeFormatter } from '../diff/report.js';
import { COMPARE_DEFAULT_FLAGS, parseKeywordList, parseRules } from '../manifest/rules.js';
import { bartUsage } from './bart.js';
import { perror } from '../walk/walk-fs.js';
import { getopt } from './getopt.js';
import { fromCwd, type CliIo } from './io.js';

const MANIFEST_ERR = 'ERROR: Manifest corrupt, cannot continue\n';

/** A file opened for reading; a directory reads as empty (fopen succeeds, fread fails). */
export interface OpenedFile extends ByteSource {
  isDirectory(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openFile(cwd: string, name: string): Promise<OpenedFile> {
  const handle = await open(fromCwd(cwd, name), 'r');
  return {
    read: async (into, offset, length) => {
      try {
        return (await handle.read(into, offset, length, null)).bytesRead;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EISDIR') return 0;
        throw err;
      }
    },
    isDirectory: async () => (await handle.stat()).isDirectory(),
    close: () => handle.close(),
  };
}

/** Reads a whole file (or stdin) as a latin1 byte string. */
export async function readAll(source: ByteSource): Promise<string> {
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = Buffer.alloc(65536);
    const n = await source.read(chunk, 0, chunk.length);
    if (n === 0) return Buffer.concat(parts).toString('latin1');
    parts.push(chunk.subarray(0, n));
  }
}

export async function readStream(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'latin1'));
  return Buffer.concat(parts).toString('latin1');
}

/** Opens a manifest and reads its header as bart does: the version warning comes here. */
export async function openManifest(file: OpenedFile, name: string, io: CliIo): Promise<ManifestLineReader> {
  const reader = new ManifestLineReader(file);
  await reader.open();
  if (!reader.versionOk) io.stderr(`WARNING: ${name} has missing/invalid version string\n`);
  return reader;
}

export async function bartCompare(args: readonly string[], io: CliIo): Promise<number> {
  const opened: OpenedFile[] = [];
  try {
    return await compareCommand(args, io, opened);
  } finally {
    await Promise.all(opened.map((f) => f.close()));
  }
}

async function compareCommand(args: readonly string[], io: CliIo, opened: OpenedFile[]): Promise<number> {
  const openOrPerror = async (name: string) => {
    try {
      const file = await openFile(io.cwd, name);
      opened.push(file);
      return file;
    } catch (err) {
      io.stderr(perror(name, err));
      return undefined;
    }
  };
  let flags = COMPARE_DEFAULT_FLAGS;
  let programmatic = false;
  let rules: OpenedFile | 'stdin' | undefined;
  const { options, operands, error } = getopt('compare', args, 'pr:i:');
  // Options act in order, as bart's getopt loop does (-i messages, -r's fopen).
  for (const { opt, arg = '' } of options) {
    if (opt === 'p') programmatic = true;
    else if (opt === 'i') {
      const parsed = parseKeywordList(arg, flags);
      flags = parsed.flags;
      for (const m of parsed.messages) io.stderr(m);
    } else if (arg === '-') rules = 'stdin';
    else if (!(rules = await openOrPerror(arg))) return bartUsage(io);
  }
  if (error) io.stderr(`${error}\n`);
  if (error || operands.length !== 2) return bartUsage(io);
  const [controlName, testName] = operands as [string, string];

  // The rules are read before the manifests are opened (compare_manifests).
  const rulesText = rules === undefined ? '' : rules === 'stdin' ? await readStream(io.stdin()) : await readAll(rules);
  const parsed = parseRules(rulesText, { mode: 'compare', initialFlags: flags });
  for (const line of parsed.stderr) io.stderr(line);
  if (parsed.fatal !== 'none') return 2;

  const controlFile = await openOrPerror(controlName);
  if (!controlFile) return 2;
  const testFile = await openOrPerror(testName);
  if (!testFile) return 2;
  const control = await openManifest(controlFile, controlName, io);
  if (control.state === 'corrupt') return corrupt(io);
  const test = await openManifest(testFile, testName, io);
  if (test.state === 'corrupt') return corrupt(io);
  const out = new ChunkedOutput(io.stdout);
  const formatter = changeFormatter(programmatic ? 'programmatic' : 'verbose');
  const outcome = await compareManifests(control, test, {
    rules: parsed.rules,
    globalFlags: flags,
    onChange: (change) => out.push(formatter.format(change)),
  });
  // bart exit()s on a corrupt line: no closing newline of -p then.
  if (outcome.status !== 2) await out.push(formatter.end(outcome.status === 1));
  await out.flush();
  return outcome.status === 2 ? corrupt(io) : outcome.status;
}

function corrupt(io: CliIo): number {
  io.stderr(MANIFEST_ERR);
  return 2;
}
