import type { CommandModule } from 'yargs';
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
