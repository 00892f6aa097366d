/** `preupd stage [--activate] [--dry-run] [--json]` (spec/cli.md): prepare the next BE. */
import { resolve } from 'node:path';
import { toAsciiJson } from '../replay/plan-json.js';
import { applyReportJson } from '../replay/report.js';
import { cliContext } from '../pipeline/cli-context.js';
import { stageUpdate } from '../pipeline/stage.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';

/**
 * What the first-boot service runs: this very program, by this very node. An SMF method
 * gets svc.startd's PATH (/usr/sbin:/usr/bin), where `#!/usr/bin/env node` finds no node
 * installed elsewhere (/opt/ooce/bin on OmniOS): the method would exit 127, in maintenance.
 */
export function finishCommand(env: NodeJS.ProcessEnv, script = process.argv[1] ?? '/usr/bin/preupd'): string[] {
  if (env.PREUPD_FINISH_COMMAND) return [env.PREUPD_FINISH_COMMAND, 'boot-finish'];
  return [process.execPath, resolve(script), 'boot-finish'];
}

export const stageCommand: CommandFactory = ({ io, exit }) => ({
  command: 'stage',
  builder: (y) =>
    y
      .option('activate', { type: 'boolean', default: false, describe: 'boot the new BE next' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the commands that would run, change nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON (commands go to stderr)' })
      .epilogue(`Exit status 1 means conflicts were resolved by policy (see the report).\n${EXIT_CODES_TEXT}`),
  handler: async (parsed) => {
    const args = parsed as unknown as { activate: boolean; dryRun: boolean; json: boolean };
    const { ctx, flush } = await cliContext(io, { dryRun: args.dryRun, json: args.json });
    const result = await stageUpdate(ctx, { activate: args.activate, finishCommand: finishCommand(io.env) });
    await flush();
    if (args.json) {
      const data = result.kind === 'staged' ? { ...result, pass: { plan: result.pass.plan, apply: applyReportJson(result.pass.report) } } : result;
      await io.stdout(toAsciiJson(data));
    } else if (result.kind === 'no-updates') {
      await io.stdout('no updates available\n');
    } else if (result.kind === 'dry-run') {
      await io.stdout(`dry run: ${result.be} would be staged; nothing was changed\n`);
    } else {
      const { staged } = result;
      await io.stdout(Buffer.from(result.pass.text, 'latin1'));
      const replaced = result.replaced.length > 0 ? `; replaced ${result.replaced.join(', ')}` : '';
      await io.stdout(`staged ${staged.be} (${staged.conflicts} conflicts${staged.activated ? ', activated' : ''}${replaced}); report: ${staged.report}\n`);
    }
    exit(result.kind === 'staged' && result.staged.conflicts > 0 ? 1 : 0);
  },
});
