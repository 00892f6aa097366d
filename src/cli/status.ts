/** `preupd status [--json]` (spec/cli.md): the pristine chain, the running BE, staged BEs, the lock, interrupted stages. */
import { toAsciiJson } from '../replay/plan-json.js';
import { cliContext } from '../pipeline/cli-context.js';
import { formatStatus, readStatus } from '../pipeline/status.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

export const statusCommand: CommandFactory = ({ io, exit }) => ({
  command: 'status',
  builder: (y) =>
    y.option('json', { type: 'boolean', default: false, describe: 'print the status as JSON' }).epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    const args = parsed as unknown as { json: boolean };
    const { ctx, flush } = await cliContext(io, { json: args.json });
    const status = await readStatus(ctx);
    await flush();
    await io.stdout(args.json ? toAsciiJson(status) : formatStatus(status));
    exit(0);
  },
});
