import type { CliIo } from './io.js';

/** A counter on stderr, redrawn at most 4 times a second, only when stderr is a terminal. */
export interface Progress {
  add(count: number): void;
  done(): void;
}

export const NO_PROGRESS: Progress = { add: () => {}, done: () => {} };

export function progressOn(io: CliIo, what: string): Progress {
  if (!io.stderrIsTty) return NO_PROGRESS;
  let total = 0;
  let last = 0;
  let shown = false;
  return {
    add(count) {
      total += count;
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      io.stderr(`\r${total} ${what}`);
    },
    done() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}
