/**
 * `preupd plan`: the reintegration plan for base, admin and update (spec/cli.md), as a table
 * on stdout, as JSON with --json, and to a file with -o (atomically). Nothing else is written.
 */
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { planTrees } from '../replay/plan-trees.js';
import { formatPlanJson } from '../replay/plan-json.js';
import type { Plan, RootName } from '../replay/plan-types.js';
import { countOutcomes, formatPlanTable } from '../replay/report.js';
import { strerror } from '../walk/walk-fs.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { fromCwd, type CliIo } from './io.js';
import { resolveRelocRoot } from './create-run.js';
import { fileOutput } from './output-file.js';

export interface RootArgs {
  base: string;
  admin: string;
  update: string;
  r?: string;
  json: boolean;
}

/** The options `plan` and `reintegrate` share. */
export function rootOptions<T>(y: Argv<T>) {
  return y
    .option('base', { type: 'string', demandOption: true, describe: 'the pristine root the running system was cloned from' })
    .option('admin', { type: 'string', demandOption: true, describe: 'the running root, as the admin changed it (read only)' })
    .option('update', { type: 'string', demandOption: true, describe: 'base updated by pkg: the next pristine root (read only)' })
    .option('r', { type: 'string', describe: 'bart_rules file: what the walks select' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of the table' });
}

/**
 * A root operand as the walks and replay take it: resolved as `-R` is (resolveRelocRoot: the
 * physical path as a byte string, so non-ASCII names and symlinked roots read right and one
 * directory named two ways is one root); exit 2 when it is no directory.
 */
export function directoryArg(dir: string, cwd: string): string {
  try {
    return resolveRelocRoot(dir, cwd) || '/';
  } catch (err) {
    throw new InputError(dir, undefined, (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'not a directory' : strerror(err));
  }
}

/** Walks the three roots and plans; bad roots and rules files are input errors (exit 2). */
export async function planFromArgs(args: RootArgs, io: CliIo, now?: Date): Promise<{ plan: Plan; roots: Record<RootName, string> }> {
  const roots = { base: directoryArg(args.base, io.cwd), admin: directoryArg(args.admin, io.cwd), update: directoryArg(args.update, io.cwd) };
  let rules: string | undefined;
  if (args.r !== undefined) {
    try {
      rules = readFileSync(fromCwd(io.cwd, args.r), 'latin1');
    } catch (err) {
      throw new InputError(args.r, undefined, strerror(err));
    }
  }
  const onMessage = (text: string) => io.stderr(Buffer.from(text, 'latin1'));
  try {
    return { plan: await planTrees(roots, { onMessage, ...(rules === undefined ? {} : { rules }), ...(now === undefined ? {} : { now }) }), roots };
  } catch (err) {
    // The walker names the rules text 'rules'; the user knows it by its file name.
    if (err instanceof InputError && err.file === 'rules' && args.r !== undefined) {
      throw new InputError(args.r, err.line, err.message.replace(/^rules(:\d+)?: /, ''), { cause: err });
    }
    throw err;
  }
}

export const writeLatin1 = (io: CliIo, text: string) => io.stdout(Buffer.from(text, 'latin1'));

export const planCommand: CommandFactory = ({ io, exit }) => ({
  command: 'plan',
  builder: (y) =>
    rootOptions(y)
      .option('o', { type: 'string', describe: 'also write the plan as JSON to this file (atomically), for reintegrate --plan' })
      .example('$0 plan --base /a --admin /b --update /c', 'one line per path with something to do')
      .example('$0 plan --base /a --admin /b --update /c -o plan.json', 'keep the plan for review')
      .epilogue(`Exit status 1 means conflicts that reintegrate would resolve by policy.\n${EXIT_CODES_TEXT}`),
  handler: async (parsed) => {
    const args = parsed as unknown as RootArgs & { o?: string };
    const { plan } = await planFromArgs(args, io);
    if (args.o !== undefined) {
      const out = fileOutput(io.cwd, args.o);
      try {
        out.write(formatPlanJson(plan));
        out.commit();
      } catch (err) {
        out.abort();
        throw err;
      }
    }
    await writeLatin1(io, args.json ? formatPlanJson(plan) : formatPlanTable(plan));
    exit(countOutcomes(plan).conflict > 0 ? 1 : 0);
  },
});
