import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where a command's data goes: stdout, or a file written under a temporary name. */
export interface DataOutput {
  write(text: string): void | Promise<void>;
  /** Makes the output final (renames the temporary file into place). */
  commit(): void;
  /** Drops a partial output file: nothing is left behind on error. */
  abort(): void;
}

/**
 * Writes byte strings to `path` atomically: `.name.tmp.PID`, renamed into place on commit.
 * A path that exists and is not a regular file (/dev/null, a FIFO) is written directly.
 */
export function fileOutput(path: string): DataOutput {
  const direct = statSync(path, { throwIfNoEntry: false })?.isFile() === false;
  const tmp = direct ? path : join(dirname(path), `.${basename(path)}.tmp.${process.pid}`);
  let fd: number | undefined = openSync(tmp, 'w', 0o644);
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    write: (text) => {
      const bytes = Buffer.from(text, 'latin1');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd!, bytes, off);
    },
    commit: () => {
      close();
      if (!direct) renameSync(tmp, path);
    },
    abort: () => {
      close();
      if (!direct) rmSync(tmp, { force: true });
    },
  };
}
