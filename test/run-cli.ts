/** Runs preupd in-process with captured streams (the walk runs in this thread). */
import { Readable } from 'node:stream';
import { runCli } from '../src/cli/main.js';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `args` in directory `cwd` with `stdin`; output comes back as byte strings. */
export async function runIn(cwd: string, args: string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const keep = (into: Buffer[]) => (c: string | Uint8Array) => void into.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c));
  const status = await runCli(args, {
    stdout: keep(out),
    stderr: keep(err),
    stdin: () => Readable.from([Buffer.from(stdin, 'latin1')]),
    env,
    cwd,
    stderrIsTty: false,
  });
  return { status, stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1') };
}
