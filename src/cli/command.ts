import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import type { CliIo } from './io.js';

/** What a command handler gets: the process streams and a way to set the exit status. */
export interface CommandContext {
  io: CliIo;
  /** Sets the exit status (never calls process.exit, so piped stdout is flushed). */
  exit(code: number): void;
}

// yargs' own typings for command modules are loose by design; each command narrows its argv.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFactory = (ctx: CommandContext) => CommandModule<any, any>;

/** What preupd says when no command (or no manifest sub-command) was named. */
export const NO_COMMAND = 'a command is needed (see preupd --help)';
export const NO_MANIFEST_COMMAND = 'manifest needs a command: create or compare (see preupd manifest --help)';

/** The operands' keys in argv (the others are options). */
export const OPERAND_NAMES = ['control', 'test', 'extra'];

/**
 * How a command with `control test` operands declares them: all optional, and any more
 * collected, so that controlAndTest counts them (else yargs took a third operand for a
 * command: "Unknown command: c").
 */
export const OPERANDS = '[control] [test] [extra..]';

/** Declares OPERANDS' `extra` (strictOptions wants it declared), left out of --help. */
export const withExtraOperands = <T>(y: Argv<T>) => y.positional('extra', { type: 'string', array: true }).hide('extra');

/** argv of a command declared with OPERANDS. */
export interface OperandArgs {
  control?: string;
  test?: string;
  extra?: Array<string | number>;
  _: Array<string | number>;
}

/**
 * The operands `control test`. Commands declare them optional and count them here: yargs
 * leaves out those after `--` (`diff -- a b` failed), and its own count came before, and
 * hid, the message for an unknown option. `words`: the command's own words in `_`.
 */
export function controlAndTest(args: OperandArgs, words: number): [string, string] {
  const operands = [args.control, args.test, ...(args.extra ?? []).map(String), ...args._.slice(words).map(String)].filter((o) => o !== undefined);
  if (operands.length !== 2) throw new UsageError(`needs two operands, control and test (got ${operands.length})`);
  // yargs reads a lone `-` as ''; neither names a file.
  if (operands.includes('')) throw new UsageError('an empty operand names no file (for standard input, name /dev/stdin)');
  return operands as [string, string];
}

/** The --help head of a command with `control test` operands (declared optional, see above). */
export const operandUsage = (command: string, describe: string) => `$0 ${command} [options] <control> <test>\n\n${describe}`;
