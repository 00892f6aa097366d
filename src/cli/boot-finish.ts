/** `preupd boot-finish` (spec/cli.md): the second pass, run by the first-boot SMF service. */
import { cliContext } from '../pipeline/cli-context.js';
import { bootFinish } from '../pipeline/boot-finish.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

export const bootFinishCommand: CommandFactory = ({ io, exit }) => ({
  command: 'boot-finish',
  builder: (y) =>
    y.epilogue(`Exit status 1 means conflicts were resolved by policy, paths were refused (see the report), or the old BE is gone.\n${EXIT_CODES_TEXT}`),
  handler: async () => {
    const { ctx, flush } = await cliContext(io);
    const result = await bootFinish(ctx);
    await flush();
    if (result.kind === 'nothing-to-do') {
      await io.stdout(`${result.be}: nothing to finish\n`);
      exit(0);
      return;
    }
    if (result.kind === 'old-be-gone') {
      await io.stdout(`${result.gone} is gone: edits made in the old BE after staging cannot be carried\nfinished ${result.staged.be} without its second pass\n`);
      exit(1);
      return;
    }
    const { pass } = result;
    await io.stdout(Buffer.from(pass.text, 'latin1'));
    await io.stdout(`finished ${result.staged.be}; report: ${pass.reportFile}\n`);
    // As reintegrate: a refused path is an admin change not carried.
    exit(pass.conflicts > 0 || pass.report.refused.length > 0 ? 1 : 0);
  },
});
