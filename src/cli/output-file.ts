import { closeSync, fstatSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { strerror, type FileId } from '../walk/walk-fs.js';
import { fromCwd } from './io.js';

/** Where a command's data goes: stdout, or a file written under a temporary name. */
export interface DataOutput {
  write(text: string): void | Promise<void>;
  /** Makes the output final (renames the temporary file into place). */
  commit(): void;
  /** Drops a partial output file: nothing is left behind on error. */
  abort(): void;
  /**
   * The regular files this output writes or replaces (its temporary file, the file renamed
   * over): a manifest of a tree that holds them does not list them.
   */
  readonly files?: FileId[];
}

/**
 * Writes byte strings to file `name` (from the working directory `cwd`) atomically:
 * `.name.tmp.PID`, renamed into place on commit. A path that exists and is not a regular
 * file (/dev/null, a FIFO) is written directly. Errors name `name`, not the temporary file.
 */
export function fileOutput(cwd: string, name: string): DataOutput {
  const path = fromCwd(cwd, name);
  const failed = (err: unknown) => new InputError(name, undefined, strerror(err), { cause: err });
  const before = statSync(path, { throwIfNoEntry: false });
  const direct = before?.isFile() === false;
  const tmp = direct ? path : join(dirname(path), `.${basename(path)}.tmp.${process.pid}`);
  // The file renamed over is gone afterwards, unless another name links it (then it stays listed).
  const files: FileId[] = before && !direct && before.nlink === 1 ? [fileId(before)] : [];
  let fd: number | undefined;
  // Listening before the file exists: a signal right after the open must not leave it.
  if (!direct) removeOnSignal(tmp);
  try {
    fd = openSync(tmp, 'w', 0o644);
    if (!direct) files.push(fileId(fstatSync(fd)));
  } catch (err) {
    forget(tmp);
    throw failed(err);
  }
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  const drop = () => {
    close();
    if (!direct) rmSync(tmp, { force: true });
    forget(tmp);
  };
  return {
    files,
    write: (text) => {
      const bytes = Buffer.from(text, 'latin1');
      try {
        for (let off = 0; off < bytes.length; ) off += writeSync(fd!, bytes, off);
      } catch (err) {
        throw failed(err);
      }
    },
    commit: () => {
      try {
        close();
        if (!direct) renameSync(tmp, path);
      } catch (err) {
        drop();
        throw failed(err);
      }
      forget(tmp);
    },
    abort: drop,
  };
}

const fileId = ({ dev, ino }: FileId): FileId => ({ dev, ino });

/**
 * Temporary files to remove when preupd is interrupted (^C, kill) before they are renamed.
 * The handlers are there only while one exists: a handler defers the signal to the event loop,
 * which a long synchronous step (reintegrate's apply) would hold for its whole run.
 */
const pendingTemps = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeOnSignal(tmp: string): void {
  if (pendingTemps.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  pendingTemps.add(tmp);
}

function forget(tmp: string): void {
  if (pendingTemps.delete(tmp) && pendingTemps.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  for (const tmp of pendingTemps) rmSync(tmp, { force: true });
  for (const s of SIGNALS) process.off(s, onSignal);
  // Dies of the signal, as it would have without the handler (the shell sees 130, 143...).
  process.kill(process.pid, signal);
}
