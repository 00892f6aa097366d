/** `preupd prune [--keep N] [--dry-run]` (spec/cli.md): drop old pristine snapshots. */
import { UsageError } from '../errors.js';
import { cliContext } from '../pipeline/cli-context.js';
import { formatPrune, prune } from '../pipeline/prune.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

export const pruneCommand: CommandFactory = ({ io, exit }) => ({
  command: 'prune',
  builder: (y) =>
    y
      // A string, converted here: yargs-parser adds a repeated number option given 1 to it.
      .option('keep', { type: 'string', requiresArg: true, describe: 'pristine snapshots to keep (default: retention in preupd.conf)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'list what would go, change nothing' })
      .epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    const args = parsed as unknown as { keep?: string; dryRun: boolean };
    if (args.keep !== undefined && !/^[1-9]\d*$/.test(args.keep)) throw new UsageError('--keep must be an integer >= 1');
    const { ctx, flush } = await cliContext(io, { dryRun: args.dryRun });
    const decisions = await prune(ctx, args.keep === undefined ? ctx.config.retention : Number(args.keep));
    await flush();
    await io.stdout(formatPrune(decisions, args.dryRun));
    exit(0);
  },
});
