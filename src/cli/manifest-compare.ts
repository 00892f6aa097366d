/**
 * `preupd manifest compare`: what illumos `bart compare` prints for two manifests (spec/cli.md),
 * or `--json` records. Unlike the `bart` drop-in, input bart would read blindly is checked:
 * a corrupt line, a missing file, a rules error or manifests hashed with different
 * algorithms is one `file:line: what` line and exit 2, and nothing else (output and
 * warnings are held until both manifests were read to their end).
 */
import { compareManifests } from '../diff/compare.js';
import type { ManifestLineReader } from '../diff/line-reader.js';
import { ChunkedOutput, changeFormatter } from '../diff/report.js';
import { declaredHash, entryLineProblem, hashLineNumber } from '../diff/validate.js';
import { InputError } from '../errors.js';
import { parseRules } from '../manifest/rules.js';
import { strerror } from '../walk/walk-fs.js';
import { openFile, openManifest, type OpenedFile } from './bart-compare.js';
import { compareFlags, comparesContents, readRulesText, rulesOrThrow } from './rules-input.js';
import { controlAndTest, OPERANDS, operandUsage, withExtraOperands, type CommandFactory, type OperandArgs } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { withCompareOutputOptions } from './compare-options.js';
import { HeldOutput } from './held-output.js';
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
  let file: OpenedFile;
  try {
    file = await openFile(io.cwd, name);
  } catch (err) {
    throw new InputError(name, undefined, strerror(err));
  }
  // bart reads a directory as an empty manifest (`bart compare` does too); it is a mistake.
  if (await file.isDirectory()) {
    await file.close();
    throw new InputError(name, undefined, strerror({ code: 'EISDIR' }));
  }
  return file;
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

/** See ManifestLineReader.endProblem: the error is on the line after the last one read. */
function checkEnd(reader: ManifestLineReader, name: string): void {
  const problem = reader.endProblem();
  if (problem) throw new InputError(name, reader.lineNumber + 1, problem);
}

/** Contents hashed differently cannot be compared, unless contents are ignored everywhere. */
function checkSameHash(control: ManifestLineReader, test: ManifestLineReader, args: CompareArgs, comparesContents: boolean): void {
  const [c, t] = [declaredHash(control.headerLines), declaredHash(test.headerLines)];
  if (!comparesContents) return;
  if (c === undefined || t === undefined || c === t) return;
  throw new InputError(args.test, hashLineNumber(test.headerLines), `hashed with ${t}, but ${args.control} with ${c}: contents cannot be compared`);
}

async function runCompare(args: CompareArgs, io: CliIo): Promise<number> {
  const held = new HeldOutput(io);
  const heldIo: CliIo = { ...io, stderr: held.stderr };
  const flags = compareFlags(args.i, heldIo);
  const source = args.r === undefined ? { file: 'rules', text: '' } : await readRulesText(args.r, io);
  const rules = rulesOrThrow(parseRules(source.text, { mode: 'compare', initialFlags: flags }), source.file);
  const files: OpenedFile[] = [];
  try {
    files.push(await openOrFail(args.control, io));
    files.push(await openOrFail(args.test, io));
    const control = await readHeader(files[0]!, args.control, heldIo);
    const test = await readHeader(files[1]!, args.test, heldIo);
    checkSameHash(control, test, args, comparesContents(rules, flags));
    const names = { control: args.control, test: args.test };
    const out = new ChunkedOutput(held.stdout);
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
    await held.commit();
    return outcome.status;
  } finally {
    held.discard();
    await Promise.all(files.map((f) => f.close()));
  }
}

const DESCRIBE = 'compare two manifests as bart compare does (illumos, Solaris 11 or preupd manifests)';

export const manifestCompareCommand: CommandFactory = ({ io, exit }) => ({
  command: `compare ${OPERANDS}`,
  describe: DESCRIBE,
  builder: (y) =>
    withExtraOperands(withCompareOutputOptions(y))
      .usage(operandUsage('manifest compare', DESCRIBE))
      .positional('control', { type: 'string', describe: 'the manifest taken first (e.g. of the pristine snapshot)' })
      .positional('test', { type: 'string', describe: 'the manifest to check against it' })
      .option('r', { type: 'string', describe: 'bart_rules file, or - for stdin' })
      .example('$0 manifest compare pristine.manifest now.manifest', 'what changed, as bart compare prints it')
      .example('$0 manifest compare -i mtime --json a.manifest b.manifest', 'changes as JSON lines, ignoring mtimes')
      .epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    // The builder above declares exactly these options.
    const [control, test] = controlAndTest(parsed as unknown as OperandArgs, 2);
    exit(await runCompare({ ...(parsed as unknown as CompareArgs), control, test }, io));
  },
});
