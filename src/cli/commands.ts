import type { CommandFactory } from './command.js';
import { diffCommand } from './diff.js';
import { manifestCommand } from './manifest.js';
import { planCommand } from './plan.js';
import { reintegrateCommand } from './reintegrate.js';
import { initCommand } from './init.js';
import { stageCommand } from './stage.js';
import { statusCommand } from './status.js';
import { pruneCommand } from './prune.js';
import { bootFinishCommand } from './boot-finish.js';
import { demoCommand } from './demo.js';

/** Every top-level sub-command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandFactory[] = [manifestCommand, diffCommand, planCommand, reintegrateCommand, initCommand, stageCommand, statusCommand, bootFinishCommand, pruneCommand, demoCommand];
