/**
 * The few error classes preupd throws. Only src/cli maps them to exit codes, switching on
 * `code` (class identity does not survive postMessage from worker threads).
 */
export abstract class PreupdError extends Error {
  abstract readonly code: string;
}

/** Bad command line: exit 2. */
export class UsageError extends PreupdError {
  readonly code = 'PREUPD_USAGE';
}

/** Bad input file (manifest, rules, plan...): exit 2, message names file and line. */
export class InputError extends PreupdError {
  readonly code = 'PREUPD_INPUT';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    what: string,
    opts?: ErrorOptions,
  ) {
    super(line === undefined ? `${file}: ${what}` : `${file}:${line}: ${what}`, opts);
  }
}

/** A system command (zfs, pkg, beadm...) failed: exit 3. */
export class SystemCommandError extends PreupdError {
  readonly code = 'PREUPD_SYSTEM';
  constructor(
    readonly argv: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
    opts?: ErrorOptions,
  ) {
    const tail = stderr.trim().split('\n').slice(-3).join(' / ');
    super(`${argv.join(' ')}: exit ${status ?? 'signal'}${tail ? `: ${tail}` : ''}`, opts);
  }
}

export const EXIT = { ok: 0, differences: 1, usage: 2, system: 3 } as const;

/** Exit code for an error thrown anywhere below the CLI. */
export function exitCodeFor(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'PREUPD_USAGE' || code === 'PREUPD_INPUT') return EXIT.usage;
  if (code === 'PREUPD_SYSTEM') return EXIT.system;
  return EXIT.usage;
}
