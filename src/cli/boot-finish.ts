/** `preupd boot-finish` (spec/cli.md): the second pass, run by the first-boot SMF service. */
import { cliContext } from '../pipeline/cli-context.js';
import { bootFinish } from '../pipeline/boot-finish.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

export const bootFinishCommand: CommandFactory = ({ io, exit }) => ({
  command: 'boot-finish',
  builder: (y) => y.epilogue(`Exit status 1 means conflicts were resolved by policy (see the report).\n${EXIT_CODES_TEXT}`),
  handler: async () => {
    const { ctx, flush } = await cliContext(io);
    const result = await bootFinish(ctx);
    await flush();
    if (result.kind === 'nothing-to-do') {
      await io.stdout(`${result.be}: nothing to finish\n`);
      exit(0);
      return;
    }
    await io.stdout(Buffer.from(result.pass.text, 'latin1'));
    await io.stdout(`finished ${result.staged.be}; report: ${result.pass.reportFile}\n`);
    exit(result.pass.conflicts > 0 ? 1 : 0);
  },
});
