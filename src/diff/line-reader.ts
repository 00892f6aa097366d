/**
 * Reads manifest lines the way bart compare's `read_manifest_line` does (spec/bart.md §5.1),
 * in large chunks and without a string per line: the current line is `buf[start, end)`.
 *
 * What bart does, and this reproduces:
 * - at offset 0, warns unless the file starts with "! Version 1.0\n", then skips every
 *   leading line starting with `!` or `#` (later ones are entries);
 * - a line ends at `\n`; a NUL byte, or the end of the file before a `\n`, ends the input
 *   (so a last line without newline is dropped);
 * - a line must end within 65536 bytes of its start, and the first entry line within the
 *   first 65536 bytes of the file, else the manifest is corrupt (exit 2); a header that
 *   alone fills those 65536 bytes leaves the manifest empty.
 */

/** Where manifest bytes come from (a file in the CLI, memory in tests). Returns 0 at EOF. */
export interface ByteSource {
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
}

export type LineState = 'line' | 'eof' | 'corrupt';

const BART_BUF = 65536;
const VERSION = Buffer.from('! Version 1.0\n', 'latin1');
// Perf: 1 MiB reads keep the number of awaits per million lines around a hundred.
const CHUNK = 1 << 20;
const NL = 0x0a;

export class ManifestLineReader {
  // Perf: no zeroing; only buf[0, dataEnd) is ever looked at.
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private dataEnd = 0;
  private sourceDone = false;
  /** First NUL in buf[0, dataEnd), or -1. */
  private nulAt = -1;
  start = 0;
  end = -1;
  state: LineState = 'eof';
  /** 1-based number of the current line in the file (header lines included). */
  lineNumber = 0;
  /** The leading `!`/`#` lines bart skipped (for the header check of manifest compare). */
  readonly headerLines: string[] = [];
  versionOk = false;
  /** The input ended at a NUL byte rather than at the end of the file. */
  endedAtNul = false;
  /** The header or the first entry line did not end within the first 64 KiB (see above). */
  openedPast64k = false;

  constructor(private readonly source: ByteSource) {}

  /** Reads the first 64 KiB and the header; the first line (if any) is then current. */
  async open(): Promise<void> {
    while (!this.sourceDone && this.dataEnd < BART_BUF) await this.fill();
    const window = Math.min(this.dataEnd, BART_BUF);
    const head = this.buf;
    this.versionOk = window >= VERSION.length && head.compare(VERSION, 0, VERSION.length, 0, VERSION.length) === 0;
    // Scan like C: a byte past the data reads as NUL (the buffer was zeroed).
    const at = (i: number) => (i < window ? head[i]! : 0);
    let pos = 0;
    while (at(pos) === 0x21 || at(pos) === 0x23) {
      let stop = pos;
      while (stop < BART_BUF && at(stop) !== NL && at(stop) !== 0) stop++;
      if (stop >= BART_BUF) return void this.finishOpen('eof');
      this.headerLines.push(head.toString('latin1', pos, stop));
      this.lineNumber++;
      pos = stop + 1;
    }
    let stop = pos;
    while (stop < BART_BUF && at(stop) !== NL && at(stop) !== 0) stop++;
    if (stop >= BART_BUF) return void this.finishOpen('corrupt');
    if (at(stop) !== NL) {
      this.endedAtNul = stop < window;
      return void this.finish('eof');
    }
    this.start = pos;
    this.end = stop;
    this.lineNumber++;
    this.state = 'line';
  }

  /**
   * Moves to the next line. Returns false when more bytes must be read first: call
   * `refill()` and then `next()` again. Perf: the common case is synchronous.
   */
  next(): boolean {
    const start = this.end + 1;
    const limit = Math.min(this.dataEnd, start + BART_BUF);
    const nl = this.buf.indexOf(NL, start);
    const found = nl >= 0 && nl < limit;
    // A NUL met before the newline (or before the 64 KiB limit) ends the input.
    if (this.nulAt >= start && this.nulAt < (found ? nl : limit)) {
      this.endedAtNul = true;
      return this.finish('eof');
    }
    if (found) {
      this.start = start;
      this.end = nl;
      this.lineNumber++;
      return true;
    }
    if (start + BART_BUF <= this.dataEnd) return this.finish('corrupt');
    if (this.sourceDone) return this.finish('eof');
    // Keep the partial line: move it to the front so the next fill completes it.
    this.buf.copyWithin(0, start, this.dataEnd);
    this.dataEnd -= start;
    this.end = -1;
    this.nulAt = this.nulAt >= start ? this.nulAt - start : -1;
    return false;
  }

  /** Reads more input after `next()` returned false. */
  async refill(): Promise<void> {
    await this.fill();
  }

  /** `next()` with the refills it needs. */
  async advance(): Promise<LineState> {
    while (!this.next()) await this.refill();
    return this.state;
  }

  /** The current line as a latin1 byte string. */
  text(): string {
    return this.buf.toString('latin1', this.start, this.end);
  }

  /** Whether the current lines of two readers are byte-identical. */
  sameLine(other: ManifestLineReader): boolean {
    return (
      this.end - this.start === other.end - other.start &&
      this.buf.compare(other.buf, other.start, other.end, this.start, this.end) === 0
    );
  }

  /**
   * Why the input ended where bart would stop reading it without an error or with only
   * "Manifest corrupt" (preupd's own commands reject all of these); undefined if it did not.
   */
  endProblem(): string | undefined {
    if (this.openedPast64k) return 'header and first entry do not end within the first 65536 bytes, as bart needs';
    if (this.state === 'corrupt') return 'line longer than 65535 bytes';
    if (this.endedAtNul) return 'NUL byte in manifest';
    return undefined;
  }

  get bytes(): Uint8Array {
    return this.buf;
  }

  // There is always room: a kept partial line is shorter than 64 KiB, far below CHUNK.
  private async fill(): Promise<void> {
    const from = this.dataEnd;
    const n = await this.source.read(this.buf, from, this.buf.length - from);
    if (n === 0) this.sourceDone = true;
    this.dataEnd += n;
    if (this.nulAt < 0) {
      const nul = this.buf.indexOf(0, from);
      this.nulAt = nul >= 0 && nul < this.dataEnd ? nul : -1;
    }
  }

  private finishOpen(state: LineState): void {
    this.openedPast64k = true;
    this.finish(state);
  }

  /** Ends the input; true so that `next()` can return it. */
  private finish(state: LineState): true {
    this.state = state;
    this.start = this.end = this.dataEnd;
    return true;
  }
}
