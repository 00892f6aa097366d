import type { CommandName } from './commands.js';

/** What a finished command gave back. `status` is the exit status (a signal is an error). */
export interface RunResult {
  readonly argv: readonly string[];
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /**
   * The command changes the system (creates, destroys, sets, mounts, installs). Under
   * `--dry-run` such commands are printed and not run; they then "succeed" with empty output.
   * Reads always run, so a dry run plans against the real state.
   */
  readonly mutates?: boolean;
  /** Exit statuses that are results, not failures (pkg's 4 = nothing to do). Default [0]. */
  readonly okStatuses?: readonly number[];
  /** Kill the command after this long (ms); overrides the runner's default. 0 = never. */
  readonly timeoutMs?: number;
}

/**
 * The one way preupd runs system commands: argv arrays, never a shell. A status outside
 * `okStatuses`, a signal, a timeout or a missing program rejects with a SystemCommandError
 * naming the argv and carrying its stderr. Calls may overlap; adapters serialise where the
 * order matters.
 */
export interface Runner {
  readonly dryRun: boolean;
  run(command: CommandName, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /**
   * A change made in-process (writing menu.lst, installing the SMF method): described and
   * skipped under `--dry-run`, applied otherwise, so dry-run output lists every change.
   */
  effect(description: string, apply: () => Promise<void>): Promise<void>;
}
