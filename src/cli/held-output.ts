/**
 * stdout and warnings of a command whose input can turn out bad after output began (a
 * corrupt line deep in a manifest): bad input must leave one line on stderr and nothing on
 * stdout. Output is held until the input has been read to its end, in memory up to a limit
 * and in a temporary file past it, then written in order.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './io.js';

// Memory: a report this large is rare (trees that share little); past it, a file.
const MEMORY_LIMIT = 8 << 20;
const READ_SIZE = 1 << 20;

export class HeldOutput {
  private chunks: Uint8Array[] = [];
  private size = 0;
  /** The spill file: already unlinked, so no way of ending the process leaves it behind. */
  private fd: number | undefined;
  private readonly warnings: Array<string | Uint8Array> = [];

  constructor(
    private readonly io: Pick<CliIo, 'stdout' | 'stderr'>,
    private readonly memoryLimit = MEMORY_LIMIT,
  ) {}

  /** Takes stdout bytes, kept as they are (a ChunkedOutput's writer: a new buffer each time). */
  readonly stdout = (chunk: Uint8Array): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.memoryLimit) this.spill();
  };

  /** Takes stderr text that is not an error (bart's warnings), printed before stdout. */
  readonly stderr = (text: string | Uint8Array): void => {
    this.warnings.push(text);
  };

  /** The input was good: writes the warnings, then stdout. */
  async commit(): Promise<void> {
    for (const w of this.warnings) this.io.stderr(w);
    if (this.fd !== undefined) {
      this.spill();
      const buffer = Buffer.allocUnsafe(READ_SIZE);
      for (let at = 0, n; (n = readSync(this.fd, buffer, 0, READ_SIZE, at)) > 0; at += n) {
        await this.io.stdout(buffer.subarray(0, n));
      }
    }
    for (const chunk of this.chunks) await this.io.stdout(chunk);
    this.discard();
  }

  /** Drops what is held (after an error, or once committed). */
  discard(): void {
    this.chunks = [];
    this.size = 0;
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private spill(): void {
    if (this.fd === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'preupd-output-'));
      try {
        this.fd = openSync(join(dir, 'stdout'), 'w+');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    for (const chunk of this.chunks) writeSync(this.fd, chunk);
    this.chunks = [];
    this.size = 0;
  }
}
