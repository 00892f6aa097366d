import type { Readable } from 'node:stream';

/**
 * What a command may touch of the process: its streams and environment. Commands write
 * through this instead of `process` so tests can run them in-process and capture output.
 * Output is raw bytes: manifests carry non-UTF-8 names, written as latin1 strings.
 */
export interface CliIo {
  stdout: (chunk: string | Uint8Array) => void | Promise<void>;
  stderr: (chunk: string | Uint8Array) => void;
  stdin: () => Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal (progress is shown only then). */
  stderrIsTty: boolean;
}
