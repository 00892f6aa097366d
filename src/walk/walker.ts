/**
 * Puts the output of a walk's jobs (job-walk.ts) together in order. Every job streams
 * pieces: text, stderr messages, and holes where a job it donated work to goes. The first
 * job's stream, with each hole replaced by that job's stream (recursively), is the sorted
 * manifest. Pieces of the stream being written go out at once; others wait here, and the
 * engine (pool.ts) holds back threads that run too far ahead.
 */

export interface WalkOutput {
  /** Sorted manifest text in batches of blocks, each block whole lines ending in '\n'. */
  text(blocks: string[]): void | Promise<void>;
  /** bart's stderr text. */
  message(text: string): void;
}

export type Piece = { text: string } | { message: string } | { hole: number };

/** What the engine learns from the output: which job is written now, and bytes taken. */
export interface OutputProgress {
  current(job: number): void;
  consumed(bytes: number): void;
}

interface Stream {
  pieces: Piece[];
  done: boolean;
}

// Perf: blocks per write (pieces are ~64 KiB).
const BATCH = 16;

export class OrderedOutput {
  private readonly streams = new Map<number, Stream>();
  /** The stream being written on top, the streams it interrupted below. */
  private readonly cursor: number[];
  private batch: string[] = [];
  private pumping = false;
  private failure: Error | undefined;
  private resolveFinished!: () => void;
  private rejectFinished!: (err: Error) => void;
  /** Resolves once the first job's stream, holes filled, has been written. */
  readonly finished = new Promise<void>((resolve, reject) => {
    this.resolveFinished = resolve;
    this.rejectFinished = reject;
  });

  constructor(
    private readonly out: WalkOutput,
    rootJob: number,
    private readonly progress: OutputProgress,
  ) {
    this.cursor = [rootJob];
    progress.current(rootJob);
  }

  piece(job: number, piece: Piece): void {
    this.stream(job).pieces.push(piece);
    if (job === this.cursor[this.cursor.length - 1]) void this.pump();
  }

  done(job: number): void {
    this.stream(job).done = true;
    if (job === this.cursor[this.cursor.length - 1]) void this.pump();
  }

  fail(err: Error): void {
    this.failure ??= err;
    this.rejectFinished(err);
  }

  private stream(job: number): Stream {
    let stream = this.streams.get(job);
    if (!stream) this.streams.set(job, (stream = { pieces: [], done: false }));
    return stream;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.failure) return;
        if (this.take()) {
          if (this.batch.length >= BATCH) await this.flush();
          continue;
        }
        // Nothing to take now: write what is held, then look again (pieces may have come).
        if (this.batch.length > 0) {
          await this.flush();
          continue;
        }
        if (this.cursor.length === 0) this.resolveFinished();
        return;
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.pumping = false;
    }
  }

  /** Takes the next piece of the stream being written; false when it has none yet. */
  private take(): boolean {
    const job = this.cursor[this.cursor.length - 1];
    if (job === undefined) return false;
    const stream = this.stream(job);
    const piece = stream.pieces.shift();
    if (!piece) {
      if (!stream.done) return false;
      this.streams.delete(job);
      this.cursor.pop();
      if (this.cursor.length > 0) this.progress.current(this.cursor[this.cursor.length - 1]!);
      return true;
    }
    if ('text' in piece) {
      this.batch.push(piece.text);
      this.progress.consumed(piece.text.length);
    } else if ('message' in piece) {
      this.out.message(piece.message);
    } else {
      this.cursor.push(piece.hole);
      this.progress.current(piece.hole);
    }
    return true;
  }

  private async flush(): Promise<void> {
    const blocks = this.batch;
    this.batch = [];
    await this.out.text(blocks);
  }
}
