/**
 * Perf: the kernel looks a path up one component at a time, and that was the largest single
 * cost of walking two trees (perf, diff --quick of the bench trees: __d_lookup_rcu 12 % of all
 * CPU time, ahead of any function of ours). While a pair walk runs, the process sits in the
 * trees' common directory (the base) and walking threads pass paths below it relative,
 * without the components above it.
 *
 * The working directory belongs to the process: one walk at a time holds it, others walk with
 * whole paths. Paths from the command line are absolute by then (CliIo.cwd).
 */

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
export const isAscii = (path: string) => ASCII.test(path);

/**
 * Longer paths fail with ENAMETOOLONG, and must keep failing when relative (as bart's do):
 * such paths are passed whole. illumos: MAXPATHLEN 1024; Linux: PATH_MAX 4096.
 */
const PATH_MAX = process.platform === 'linux' ? 4096 : 1024;

/** The longest directory above or equal to every one of `dirs` (absolute paths). */
export function commonDirectory(dirs: readonly string[]): string {
  const split = dirs.map((dir) => dir.split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; split.every((parts) => i < parts.length && parts[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return '/' + common.join('/');
}

export interface HeldDirectory {
  /** The base: the directory the process is in. */
  dir: string;
  /** Goes back where the process was (or to '/' when that is gone: never stay in a tree). */
  leave(): void;
}

let held = false;

/**
 * Moves the process to the common directory of `roots`, or answers undefined (walk with
 * whole paths): another walk holds the directory, the base would be '/', a root is not
 * absolute, or the base is not ASCII (a walk's paths are byte strings, chdir takes UTF-8).
 */
export function enterBase(roots: readonly string[]): HeldDirectory | undefined {
  const dir = commonDirectory(roots);
  if (held || dir === '/' || !roots.every((root) => root.startsWith('/')) || !isAscii(dir)) return undefined;
  let back: string;
  try {
    back = process.cwd();
    process.chdir(dir);
  } catch {
    return undefined;
  }
  held = true;
  let left = false;
  return {
    dir,
    leave: () => {
      if (left) return;
      left = true;
      held = false;
      try {
        process.chdir(back);
      } catch {
        process.chdir('/');
      }
    },
  };
}

/** A walking thread's base for its current job (see pool.ts), or undefined. */
let base: string | undefined;

export function setWalkBase(dir: string | undefined): void {
  base = dir === undefined || dir.endsWith('/') ? dir : dir + '/';
}

/** `path` as a walking thread passes it to the kernel: relative below the base. */
export function relativeToBase(path: string): string {
  const b = base;
  return b !== undefined && path.length > b.length && path.length < PATH_MAX && path.startsWith(b) ? path.slice(b.length) : path;
}
