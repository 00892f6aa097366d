/** `preupd init [--base-snapshot pool/ROOT/be@snap]` (spec/cli.md): adopt the running system. */
import { cliContext } from '../pipeline/cli-context.js';
import { initCycle } from '../pipeline/init.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

export const initCommand: CommandFactory = ({ io, exit }) => ({
  command: 'init',
  builder: (y) =>
    y
      .option('base-snapshot', { type: 'string', describe: "the running BE's pristine snapshot (default: its origin)" })
      .epilogue(`Configuration: /etc/preupd.conf, or $PREUPD_CONFIG.\n${EXIT_CODES_TEXT}`),
  handler: async (parsed) => {
    const args = parsed as unknown as { baseSnapshot?: string };
    const { ctx, flush } = await cliContext(io);
    const result = await initCycle(ctx, args.baseSnapshot);
    await flush();
    await io.stdout(result.changed ? `adopted ${result.be}, pristine base ${result.base}\n` : `already initialised: ${result.be} on ${result.base}\n`);
    exit(0);
  },
});
