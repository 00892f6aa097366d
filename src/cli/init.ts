/** `preupd init [--base-snapshot pool/ROOT/be@snap] [--dry-run]` (spec/cli.md): adopt the running system. */
import { cliContext } from '../pipeline/cli-context.js';
import { initCycle } from '../pipeline/init.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

export const initCommand: CommandFactory = ({ io, exit }) => ({
  command: 'init',
  builder: (y) =>
    y
      .option('base-snapshot', { type: 'string', describe: "the running BE's pristine snapshot (default: its origin)" })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the commands and changes that would be made, change nothing' })
      .epilogue(`Configuration: /etc/preupd.conf, or $PREUPD_CONFIG.\n${EXIT_CODES_TEXT}`),
  handler: async (parsed) => {
    const args = parsed as unknown as { baseSnapshot?: string; dryRun: boolean };
    const { ctx, flush } = await cliContext(io, { dryRun: args.dryRun });
    const { be, base, changed } = await initCycle(ctx, args.baseSnapshot);
    await flush();
    if (!changed) await io.stdout(`already initialised: ${be} on ${base}\n`);
    else await io.stdout(args.dryRun ? `dry run: ${be} would be adopted, pristine base ${base}; nothing was changed\n` : `adopted ${be}, pristine base ${base}\n`);
    exit(0);
  },
});
