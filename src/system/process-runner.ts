import { spawn } from 'node:child_process';
import { SystemCommandError } from '../errors.js';
import { commandPath, type CommandName } from './commands.js';
import { formatArgv } from './shell-quote.js';
import type { RunOptions, RunResult, Runner } from './runner.js';

export interface ProcessRunnerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Print mutating commands and effects instead of performing them. */
  readonly dryRun?: boolean;
  /** Receives every line to show the user: each command run (or, dry, not run) and effect. */
  readonly onCommand?: (line: string) => void;
  /**
   * Default per-command timeout. 10 minutes: zfs and beadm finish in seconds even on a busy
   * pool; pkg update passes its own, longer one.
   */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** The Runner that spawns real processes (commands resolved through PREUPD_* overrides). */
export function createProcessRunner(options: ProcessRunnerOptions = {}): Runner {
  const env = options.env ?? process.env;
  const dryRun = options.dryRun ?? false;
  const announce = options.onCommand ?? (() => {});
  return {
    dryRun,
    async run(command: CommandName, args: readonly string[], opts: RunOptions = {}) {
      const argv = [commandPath(command, env), ...args];
      if (dryRun && opts.mutates) {
        announce(formatArgv(argv));
        return { argv, status: 0, stdout: '', stderr: '' };
      }
      if (opts.mutates) announce(formatArgv(argv));
      const result = await spawnCollect(argv, env, opts.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      if (!(opts.okStatuses ?? [0]).includes(result.status)) {
        throw new SystemCommandError(argv, result.status, result.stderr);
      }
      return result;
    },
    async effect(description: string, apply: () => Promise<void>) {
      announce(`# ${description}`);
      if (!dryRun) await apply();
    },
  };
}

/** Run argv to completion, collecting stdout and stderr; never through a shell. */
function spawnCollect(argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = spawn(program, args, { env, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs)
        : undefined;
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new SystemCommandError(argv, null, err.message, { cause: err }));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString('utf8');
      if (status === null) {
        const why = timedOut ? `timed out after ${timeoutMs} ms` : `killed by ${signal}`;
        reject(new SystemCommandError(argv, null, `${err}${err && !err.endsWith('\n') ? '\n' : ''}${why}`));
        return;
      }
      resolve({ argv, status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: err });
    });
  });
}
