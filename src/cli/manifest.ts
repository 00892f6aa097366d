import { NO_MANIFEST_COMMAND, type CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { manifestCreateCommand } from './manifest-create.js';
import { manifestCompareCommand } from './manifest-compare.js';

/** Manifest sub-commands, one module each (the compare command lives beside create). */
const SUBCOMMANDS: readonly CommandFactory[] = [manifestCreateCommand, manifestCompareCommand];

export const manifestCommand: CommandFactory = (ctx) => ({
  command: 'manifest',
  builder: (y) => {
    for (const sub of SUBCOMMANDS) y.command(sub(ctx));
    return y.demandCommand(1, NO_MANIFEST_COMMAND).epilogue(EXIT_CODES_TEXT);
  },
  handler: () => {},
});
