/**
 * The glue between yargs handlers (src/cli/{init,stage,...}.ts) and the pipeline: a context
 * whose command lines go to stdout, in order with the command's own output.
 */
import type { CliIo } from '../cli/io.js';
import { openContext, type CycleContext } from './context.js';

export interface CliContext {
  readonly ctx: CycleContext;
  /** Waits until everything said so far is written. */
  flush(): Promise<void>;
}

/** With `json`, command lines go to stderr so that stdout stays one JSON document. */
export async function cliContext(io: CliIo, options: { dryRun?: boolean; json?: boolean } = {}): Promise<CliContext> {
  let pending: Promise<void> = Promise.resolve();
  const say = (line: string) => {
    pending = pending.then(() => (options.json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`)));
  };
  const ctx = await openContext({ env: io.env, dryRun: options.dryRun ?? false, say });
  return { ctx, flush: () => pending };
}
