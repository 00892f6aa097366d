/**
 * Sorted walks of several rules, each spooled to a temporary file, then merged without
 * duplicates (`sort -u` of bart's temporary file, in constant memory).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSortedUnique } from './line-merge.js';

const READ_SIZE = 1 << 16;

export class Spool {
  private readonly dir = mkdtempSync(join(tmpdir(), 'preupd-spool-'));
  private readonly files: Array<{ path: string; fd: number | undefined }> = [];

  /** A writer for the next walk's text blocks. */
  writer(): (blocks: string[]) => void {
    const file = { path: join(this.dir, String(this.files.length)), fd: undefined as number | undefined };
    file.fd = openSync(file.path, 'w');
    this.files.push(file);
    return (blocks) => void writeSync(file.fd!, blocks.join(''), null, 'latin1');
  }

  async merge(sink: { text(blocks: string[]): void | Promise<void> }): Promise<void> {
    this.close();
    let batch: string[] = [];
    for await (const line of mergeSortedUnique(this.files.map((f) => fileLines(f.path)))) {
      batch.push(line + '\n');
      if (batch.length >= 4096) {
        await sink.text(batch);
        batch = [];
      }
    }
    if (batch.length) await sink.text(batch);
  }

  remove(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private close(): void {
    for (const file of this.files) {
      if (file.fd !== undefined) closeSync(file.fd);
      file.fd = undefined;
    }
  }
}

/** The lines of a file of byte strings (a raw '\r' is part of a name, not a line end). */
async function* fileLines(path: string): AsyncGenerator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(READ_SIZE);
    let rest = '';
    for (let n; (n = readSync(fd, buffer, 0, READ_SIZE, null)) > 0; ) {
      const lines = (rest + buffer.toString('latin1', 0, n)).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
  } finally {
    closeSync(fd);
  }
}
