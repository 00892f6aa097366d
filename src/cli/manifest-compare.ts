/**
 * `preupd manifest compare`: what illumos `bart compare` prints for two manifests (spec/cli.md),
 * or `--json` records. Unlike the `bart` drop-in, input bart would read blindly is checked:
 * a corrupt line, a missing file, a rules error or manifests hashed with different
 * algorithms is one `file:line: what` line and exit 2.
 */
import { compareManifests } from '../diff/compare.js';
import type { ManifestLineReader } from '../diff/line-reader.js';
import { ChunkedOutput, changeFormatter } from '../diff/report.js';
import { declaredHash, entryLineProblem } from '../diff/validate.js';
import { InputError } from '../errors.js';
import { ATTR, parseRules } from '../manifest/rules.js';
import { strerror } from '../walk/walk-fs.js';
import { openFile, openManifest, type OpenedFile } from './bart-compare.js';
import { compareFlags, readRulesText, rulesOrThrow } from './rules-input.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { withCompareOutputOptions } from './compare-options.js';
import type { CliIo } from './io.js';

interface CompareArgs {
  r?: string;
  i?: string | string[];
  p?: boolean;
  json?: boolean;
  control: string;
  test: string;
}

async function openOrFail(name: string, io: CliIo): Promise<OpenedFile> {
  try {
    return await openFile(io.cwd, name);
  } catch (err) {
    throw new InputError(name, undefined, strerror(err));
  }
}

/** Opens a manifest; bart's version warning only when the header is no known one. */
async function readHeader(file: OpenedFile, name: string, io: CliIo): Promise<ManifestLineReader> {
  const quiet: CliIo = { ...io, stderr: () => {} };
  const reader = await openManifest(file, name, quiet);
  if (!reader.versionOk && declaredHash(reader.headerLines) === undefined) {
    io.stderr(`WARNING: ${name} has missing/invalid version string\n`);
  }
  checkEnd(reader, name);
  return reader;
}

/** bart stops quietly at a NUL and with "Manifest corrupt" at a line over 64 KiB. */
function checkEnd(reader: ManifestLineReader, name: string): void {
  if (reader.state === 'corrupt') throw new InputError(name, reader.lineNumber + 1, 'line longer than 65535 bytes');
  if (reader.endedAtNul) throw new InputError(name, reader.lineNumber + 1, 'NUL byte in manifest');
}

/** Contents hashed differently cannot be compared, unless contents are ignored everywhere. */
function checkSameHash(control: ManifestLineReader, test: ManifestLineReader, args: CompareArgs, comparesContents: boolean): void {
  const [c, t] = [declaredHash(control.headerLines), declaredHash(test.headerLines)];
  if (!comparesContents) return;
  if (c === undefined || t === undefined || c === t) return;
  const line = test.headerLines.findIndex((l) => /^! hash /i.test(l)) + 1 || 1;
  throw new InputError(args.test, line, `hashed with ${t}, but ${args.control} with ${c}: contents cannot be compared`);
}

async function runCompare(args: CompareArgs, io: CliIo): Promise<number> {
  const flags = compareFlags(args.i, io);
  const source = args.r === undefined ? { file: 'rules', text: '' } : await readRulesText(args.r, io);
  const rules = rulesOrThrow(parseRules(source.text, { mode: 'compare', initialFlags: flags }), source.file);
  const files: OpenedFile[] = [];
  try {
    files.push(await openOrFail(args.control, io));
    files.push(await openOrFail(args.test, io));
    const control = await readHeader(files[0]!, args.control, io);
    const test = await readHeader(files[1]!, args.test, io);
    checkSameHash(control, test, args, (flags & ATTR.contents) !== 0 || rules.rules.some((r) => (r.attrs & ATTR.contents) !== 0));
    const names = { control: args.control, test: args.test };
    const out = new ChunkedOutput(io.stdout);
    const formatter = changeFormatter(args.json ? 'json' : args.p ? 'programmatic' : 'verbose');
    const outcome = await compareManifests(control, test, {
      rules: rules.rules,
      globalFlags: flags,
      onChange: (change) => out.push(formatter.format(change)),
      onRead: (side, reader) => {
        checkEnd(reader, names[side]);
        // Perf: a test line equal to the current control line was checked as that one.
        const checked = side === 'test' && control.state === 'line' && reader.sameLine(control);
        const problem = reader.state === 'line' && !checked && entryLineProblem(reader.bytes, reader.start, reader.end);
        if (problem) throw new InputError(names[side], reader.lineNumber, problem);
      },
    });
    await out.push(formatter.end(outcome.status === 1));
    await out.flush();
    return outcome.status;
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
}

export const manifestCompareCommand: CommandFactory = ({ io, exit }) => ({
  command: 'compare <control> <test>',
  describe: 'compare two manifests as bart compare does (illumos, Solaris 11 or preupd manifests)',
  builder: (y) =>
    withCompareOutputOptions(y)
      .positional('control', { type: 'string', describe: 'the manifest taken first (e.g. of the pristine snapshot)' })
      .positional('test', { type: 'string', describe: 'the manifest to check against it' })
      .option('r', { type: 'string', describe: 'bart_rules file, or - for stdin' })
      .example('$0 manifest compare pristine.manifest now.manifest', 'what changed, as bart compare prints it')
      .example('$0 manifest compare -i mtime --json a.manifest b.manifest', 'changes as JSON lines, ignoring mtimes')
      .epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    // The builder above declares exactly these options.
    exit(await runCompare(parsed as unknown as CompareArgs, io));
  },
});
