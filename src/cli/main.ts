import { Readable } from 'node:stream';
import { NO_COMMAND, NO_MANIFEST_COMMAND, OPERAND_NAMES } from './command.js';
import { COMMANDS } from './commands.js';
import type { CliIo } from './io.js';
import { EXIT, exitCodeFor, UsageError } from '../errors.js';
import { strerror } from '../walk/walk-fs.js';
import { EXIT_CODES_TEXT, EXIT_PIPE_CLOSED } from './exit-codes.js';
import { detachValues } from './getopt.js';
import { prestartWalkers, WALK_THREADS } from '../walk/prestart.js';


/** Operands are names (`-I -- 0x10` is not 16); an array option takes one value per flag. */
const PARSER_CONFIG = { 'parse-positional-numbers': false, 'greedy-arrays': false };

/**
 * Options as getopt gives them: a repeated option takes its last value, as in bart (`-R a
 * -R b` walks b; yargs makes an array, which options that add up, `-i a -i b`, declare they
 * want), and an option that takes a value has one (yargs gives '' for `-o` at the end).
 */
function getoptValues(argv: Record<string, unknown>, y: { getOptions(): { array: string[]; string: string[] } }): void {
  const { array, string } = y.getOptions();
  for (const [key, value] of Object.entries(argv)) {
    if (key !== '_' && key !== '--' && Array.isArray(value) && !array.includes(key)) argv[key] = value[value.length - 1];
    if (string.includes(key) && !OPERAND_NAMES.includes(key) && argv[key] === '') throw new UsageError(`${key.length === 1 ? '-' : '--'}${key} needs a value`);
  }
}

/** The one-letter options of preupd's commands that take a value (-R root, -r rules, -i, -o). */
const VALUE_LETTERS = 'Rrio';

/** Runs preupd with `argv` (without node and script) and resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Loaded only for bart: other commands start without its modules.
  if (argv[0] === 'bart') return (await import('./bart.js')).runBart(argv.slice(1), io);
  let status = 0;
  const ctx = { io, exit: (code: number) => void (status = code) };
  // Loaded here, after main() has started the walking threads (yargs takes ~0.1 s to load).
  const { default: yargs } = await import('yargs');
  const parser = yargs()
    .scriptName('preupd')
    .usage('$0 <command> [options]')
    .parserConfiguration(PARSER_CONFIG)
    .middleware(getoptValues as never, true)
    .strictCommands()
    .strictOptions()
    .demandCommand(1, NO_COMMAND)
    .epilogue(EXIT_CODES_TEXT)
    .help()
    .version(false)
    // Perf: yargs renders the whole help as each command starts (in case a failure shows it,
    // which preupd's never do); wrapping was most of that, ~30 ms of every start-up.
    .wrap(argv.includes('--help') ? Math.min(100, process.stdout.columns || 100) : null)
    .fail((msg, err) => {
      if (err) throw err;
      // yargs words some errors over several lines; keep the one-line promise.
      throw Object.assign(new Error(msg.replace(/\s*\n\s*/g, ' ')), { code: 'PREUPD_USAGE' });
    });
  parser.command({
    command: 'bart [args..]',
    describe: 'drop-in for illumos bart (create | compare), same options, output and exit codes',
    handler: () => {},
  });
  for (const entry of COMMANDS) {
    // Only the command being run is loaded; the others are listed by name for --help.
    const module = entry.name === argv[0] ? (await entry.load())(ctx) : { command: entry.name, handler: () => {} };
    parser.command({ ...module, describe: entry.describe });
  }
  // `--` ends the options, not the command words: `preupd -- diff a b` names no command
  // (yargs took the words after it for one, ran nothing and exited 0).
  const missing = argv[0] === '--' ? NO_COMMAND : argv[0] === 'manifest' && argv[1] === '--' ? NO_MANIFEST_COMMAND : undefined;
  if (missing) {
    io.stderr(`preupd: ${missing}\n`);
    return EXIT.usage;
  }
  let helpShown = false;
  try {
    await parser.parseAsync(detachValues(argv, VALUE_LETTERS), {}, (err, _argv, output) => {
      if (output) {
        helpShown = true;
        (err ? io.stderr : io.stdout)(output + '\n');
      }
      if (err) throw err;
    });
  } catch (err) {
    if (!helpShown) io.stderr(`preupd: ${(err as Error).message}\n`);
    return exitCodeFor(err);
  }
  return status;
}

function processIo(): CliIo {
  return {
    stdout: (chunk) =>
      new Promise<void>((resolve, reject) =>
        process.stdout.write(chunk, (err) => (err ? reject(err) : resolve())),
      ),
    stderr: (chunk) => void process.stderr.write(chunk),
    stdin: () => process.stdin as Readable,
    env: process.env,
    cwd: process.cwd(),
    stderrIsTty: Boolean(process.stderr.isTTY),
  };
}

/** Entry point of bin/preupd. */
export async function main(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // A closed pipe (`preupd ... | head`) is not worth a message, but the output was cut:
    // exit as the shell reports bart, diff or find killed by SIGPIPE there (Node ignores it).
    if (err.code === 'EPIPE') process.exit(EXIT_PIPE_CLOSED);
    // A full disk or a failing device: one line, as for any file preupd cannot write.
    process.stderr.write(`preupd: standard output: ${strerror(err)}\n`, () => process.exit(EXIT.usage));
  });
  if (((argv[0] === 'manifest' || argv[0] === 'bart') && argv[1] === 'create') || argv[0] === 'diff') prestartWalkers(WALK_THREADS);
  const status = await runCli(argv, processIo());
  // A command that failed while walks were still running leaves their worker threads alive;
  // they must not keep preupd running. Exit once everything written has been handed over.
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(status);
}
