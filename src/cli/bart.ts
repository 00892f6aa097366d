import type { CliIo } from './io.js';
import { bartCreate } from './bart-create.js';
import { bartCompare } from './bart-compare.js';

/** illumos bart's usage text (spec/bart.md §1), printed on stderr with exit 2. */
export const BART_USAGE =
  'Usage:\n' +
  '\tbart create [-n] [-R root] [-r rules|-]\n' +
  '\tbart create [-n] [-R root] [-I | -I filelist]\n' +
  '\tbart compare [-r rules|-] [-i keywords] [-p] control-manifest test-manifest\n';

export function bartUsage(io: CliIo): number {
  io.stderr(BART_USAGE);
  return 2;
}

/**
 * `preupd bart ARGS...`: argv[1] must be exactly `create` or `compare`; each parses the rest
 * with getopt as illumos bart does (main.c).
 */
export async function runBart(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') return bartCreate(rest, io);
  if (sub === 'compare') return bartCompare(rest, io);
  return bartUsage(io);
}
