/**
 * `preupd manifest create`: a bart-compatible manifest of a tree (spec/cli.md). Unlike the
 * `bart` drop-in, bad input is one `file:line: what` line and exit 2 before anything is
 * written, and `-o` writes atomically.
 */
import { buffer as readStream } from 'node:stream/consumers';
import type { AclFlavor } from '../manifest/acl.js';
import type { HashAlgorithm } from '../manifest/format.js';
import { InputError, UsageError } from '../errors.js';
import { strerror } from '../walk/walk-fs.js';
import type { CommandFactory } from './command.js';
import { parseRequestRules, resolveRelocRoot, stdoutOutput, writeManifest, type CreateRequest } from './create-run.js';
import { fileOutput, type DataOutput } from './output-file.js';
import { walkerPath, type CliIo } from './io.js';
import { readRulesText, rulesOrThrow } from './rules-input.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { progressOn } from './progress.js';

interface CreateArgs {
  n: boolean;
  R?: string;
  r?: string;
  I: boolean;
  hash: HashAlgorithm;
  acl: AclFlavor | 'auto';
  o?: string;
  files: string[];
  /** `manifest`, `create`, then the operands after `--` (yargs leaves them here). */
  _: Array<string | number>;
}

async function stdinText(io: CliIo): Promise<string> {
  return (await readStream(io.stdin())).toString('latin1');
}

/** -I names from stdin, one a line; no path holds a NUL byte, so a line with one is bad input. */
function stdinNames(text: string): string[] {
  const lines = text.split('\n');
  const bad = lines.findIndex((line) => line.includes('\0'));
  if (bad >= 0) throw new InputError('<stdin>', bad + 1, 'NUL byte in a name');
  return lines.filter((line) => line !== '');
}

/** Turns parsed argv into a CreateRequest, reading the rules file or file list. */
export async function createRequest(args: CreateArgs, io: CliIo): Promise<CreateRequest> {
  if (args.I && args.r !== undefined) throw new UsageError('-I and -r cannot be used together');
  const files = [...args.files, ...args._.slice(2).map(String)];
  if (!args.I && files.length > 0) throw new UsageError(`names to list (${files[0]}...) need -I`);
  let relocRoot = '';
  if (args.R !== undefined) {
    try {
      relocRoot = resolveRelocRoot(args.R, io.cwd);
    } catch (err) {
      throw new InputError(args.R, undefined, strerror(err));
    }
  }
  const req: CreateRequest = { relocRoot, computeChecksum: !args.n, hash: args.hash, acl: args.acl };
  if (args.r !== undefined) req.rules = await readRulesText(args.r, io);
  if (args.I) {
    // stdin is read as bytes already; operands come decoded.
    req.fileList = files.length ? files.map(walkerPath) : stdinNames(await stdinText(io));
  }
  return req;
}

export const manifestCreateCommand: CommandFactory = ({ io, exit }) => ({
  command: 'create [files..]',
  describe: 'walk a tree and print its manifest (bart create format, sorted)',
  builder: (y) =>
    y
      // Declared here too: yargs' strictOptions rejects a nested command's undeclared positional.
      .positional('files', { type: 'string', array: true, default: [], describe: 'with -I: the names to list, relative to the root' })
      .option('n', { type: 'boolean', default: false, describe: 'do not hash contents (unless rules say CHECK contents)' })
      .option('R', { type: 'string', describe: 'root of the tree; names are printed relative to it' })
      .option('r', { type: 'string', describe: 'bart_rules file, or - for stdin' })
      .option('I', { type: 'boolean', default: false, describe: 'list only the named files (operands, or stdin one per line)' })
      .option('hash', { choices: ['xxh64', 'md5', 'sha256'] as const, default: 'xxh64' as const, requiresArg: true, describe: 'content hash' })
      .option('acl', {
        choices: ['auto', 'posix', 'nfs4', 'none'] as const,
        default: 'auto' as const,
        requiresArg: true,
        describe: 'ACL field: trivial NFSv4 text on ZFS and POSIX-draft text elsewhere (auto), or -',
      })
      .option('o', { type: 'string', describe: 'write the manifest to this file (atomically)' })
      .example('$0 manifest create -R /a -o /var/tmp/a.manifest', 'manifest of the tree at /a')
      .example('$0 manifest create -n -R / -r rules', 'no contents, only what the rules select')
      .epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    // The builder above declares exactly these options.
    const argv = parsed as unknown as CreateArgs;
    const req = await createRequest(argv, io);
    const walkRules = parseRequestRules(req);
    const rules = walkRules && rulesOrThrow(walkRules, req.rules!.file);
    if (rules) for (const text of rules.stderr) io.stderr(Buffer.from(text, 'latin1'));
    const out: DataOutput = argv.o ? fileOutput(io.cwd, argv.o) : stdoutOutput(io);
    try {
      exit(await writeManifest(req, rules, io, out, progressOn(io, 'entries')));
      out.commit();
    } catch (err) {
      out.abort();
      throw err;
    }
  },
});
