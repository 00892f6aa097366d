import type { CommandFactory } from './command.js';

/**
 * Every top-level sub-command, in the order `--help` lists them. Perf: a command's module
 * (and all it imports) is loaded only when that command runs; start-up was ~70 ms longer
 * loading every command for `manifest create`.
 */
export interface CommandEntry {
  readonly name: string;
  readonly describe: string;
  load(): Promise<CommandFactory>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'manifest', describe: 'create and compare bart-compatible manifests', load: async () => (await import('./manifest.js')).manifestCommand },
  { name: 'diff', describe: 'compare two trees (or a tree and a saved manifest) as manifest compare would, hashing only where needed', load: async () => (await import('./diff.js')).diffCommand },
  { name: 'plan', describe: 'plan the reintegration of the admin\'s changes into update (prints, writes nothing else)', load: async () => (await import('./plan.js')).planCommand },
  { name: 'reintegrate', describe: 'apply the plan to --target (a copy of update): journaled, resumable', load: async () => (await import('./reintegrate.js')).reintegrateCommand },
  { name: 'init', describe: 'adopt the running boot environment and the pristine snapshot it was made from', load: async () => (await import('./init.js')).initCommand },
  { name: 'stage', describe: 'check for updates; update a clone of the newest pristine snapshot; reintegrate; register the BE', load: async () => (await import('./stage.js')).stageCommand },
  { name: 'status', describe: 'chain of pristine snapshots, running and staged boot environments, conflicts', load: async () => (await import('./status.js')).statusCommand },
  { name: 'boot-finish', describe: 'apply edits made in the old BE after staging (run once by the first-boot service)', load: async () => (await import('./boot-finish.js')).bootFinishCommand },
  { name: 'prune', describe: "destroy old pristine snapshots (never the running BE's base, dependents, or the newest --keep)", load: async () => (await import('./prune.js')).pruneCommand },
  { name: 'demo', describe: 'the whole update cycle on a bundled sample system (a ZFS pool on a file; needs root and zfs)', load: async () => (await import('./demo.js')).demoCommand },
];
