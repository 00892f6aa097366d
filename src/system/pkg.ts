import { SystemCommandError } from '../errors.js';
import { parseParsablePlan, PKG_EXIT, pkgExitMeaning, saysNothingToDo, type PkgPlan } from './pkg-parse.js';
import type { RunOptions, RunResult, Runner } from './runner.js';

/**
 * Which pkg we talk to, learnt from exit 2 (bad options) on the first check: `--parsable=0`
 * exists since 2011, `update` since 2010; before that only `image-update` (spec §0.1, §5.1).
 */
export type PkgDialect = 'parsable' | 'update' | 'image-update';

export type UpdateCheck = { readonly available: false } | { readonly available: true; readonly plan?: PkgPlan };

/** An update can run for hours on a slow repository; zfs-style 10 minutes would kill it. */
const UPDATE_TIMEOUT_MS = 4 * 60 * 60_000;

/** pkg on an alternate root (`pkg -R <root> ...`): never the live image. */
export class Pkg {
  private dialect: PkgDialect | undefined;

  constructor(private readonly runner: Runner) {}

  async refresh(root: string): Promise<void> {
    await this.pkg(['-R', root, 'refresh'], { mutates: true });
  }

  /** `update -n`: exit 4 (or 2009's exit 0 + "No updates available") means nothing to do. */
  async checkForUpdates(root: string): Promise<UpdateCheck> {
    const candidates: PkgDialect[] = this.dialect ? [this.dialect] : ['parsable', 'update', 'image-update'];
    for (const dialect of candidates) {
      const result = await this.pkg(['-R', root, ...subcommand(dialect), '-n', ...parsable(dialect)], {
        okStatuses: [PKG_EXIT.ok, PKG_EXIT.nothingToDo, PKG_EXIT.badOptions],
      });
      if (result.status === PKG_EXIT.badOptions && dialect !== 'image-update') continue;
      if (result.status === PKG_EXIT.badOptions) throw this.failure(result);
      this.dialect = dialect;
      if (result.status === PKG_EXIT.nothingToDo || saysNothingToDo(result.stdout + result.stderr)) return { available: false };
      const plan = dialect === 'parsable' ? this.plan(result) : undefined;
      return plan ? { available: true, plan } : { available: true };
    }
    throw new Error('unreachable: image-update is always tried last');
  }

  /**
   * Updates the image at `root`; false when there was nothing to do. `-f` skips the "pkg(5)
   * out of date" refusal that looks at the running system, not at `root` (spec §5.1, §5.4).
   */
  async update(root: string): Promise<boolean> {
    const dialect = this.dialect ?? 'parsable';
    const accept = dialect === 'image-update' ? [] : ['--accept'];
    const result = await this.pkg(['-R', root, ...subcommand(dialect), '-f', ...accept, ...parsable(dialect)], {
      mutates: true,
      okStatuses: [PKG_EXIT.ok, PKG_EXIT.nothingToDo],
      timeoutMs: UPDATE_TIMEOUT_MS,
    });
    return result.status === PKG_EXIT.ok && !saysNothingToDo(result.stdout + result.stderr);
  }

  private async pkg(args: string[], options: RunOptions): Promise<RunResult> {
    try {
      return await this.runner.run('pkg', args, options);
    } catch (err) {
      if (err instanceof SystemCommandError && err.status !== null) throw this.failure(err);
      throw err;
    }
  }

  /** The error names the exit status' meaning (pkgdefs.py), e.g. "(pkg exit 7: image locked)". */
  private failure(result: { argv: readonly string[]; status: number | null; stderr: string }): SystemCommandError {
    const meaning = result.status === null ? undefined : pkgExitMeaning(result.status);
    const note = meaning ? `${result.stderr.trimEnd()}\n(pkg exit ${result.status}: ${meaning})` : result.stderr;
    return new SystemCommandError(result.argv, result.status, note);
  }

  private plan(result: RunResult): PkgPlan | undefined {
    try {
      return parseParsablePlan(result.stdout);
    } catch (err) {
      throw new SystemCommandError(result.argv, result.status, `unexpected --parsable output: ${(err as Error).message}`, { cause: err });
    }
  }
}

function subcommand(dialect: PkgDialect): string[] {
  return [dialect === 'image-update' ? 'image-update' : 'update'];
}

function parsable(dialect: PkgDialect): string[] {
  return dialect === 'parsable' ? ['--parsable=0'] : [];
}
