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

/**
 * `path` from the working directory `cwd` as the kernel resolves it: no textual folding of
 * `..` or `.` (after a symlink, `..` is its target's parent; `file/.` is not `file`), and ''
 * stays '', which names no file (ENOENT), where `${cwd}/` would open the directory.
 */
export function fromCwd(cwd: string, path: string): string {
  return path === '' || path.startsWith('/') ? path : `${cwd}/${path}`;
}

/**
 * A path from argv (a UTF-16 string decoded from UTF-8) as the walker takes paths: a byte
 * string (walk-fs.ts). Only for paths handed to the walker; node:fs takes the string itself.
 */
export function walkerPath(arg: string): string {
  return Buffer.from(arg, 'utf8').toString('latin1');
}
