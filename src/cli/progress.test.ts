import { describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { progressOn } from './progress.js';

function ioWith(stderrIsTty: boolean, sink: string[]): CliIo {
  return {
    stdout: () => {},
    stderr: (c) => void sink.push(String(c)),
    stdin: () => process.stdin,
    env: {},
    cwd: '/',
    stderrIsTty,
  };
}

describe('progress', () => {
  it('writes a counter and clears it when stderr is a terminal', () => {
    const err: string[] = [];
    const p = progressOn(ioWith(true, err), 'entries');
    p.add(10);
    p.done();
    expect(err).toEqual(['\r10 entries', '\r\x1b[K']);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const err: string[] = [];
    const p = progressOn(ioWith(false, err), 'entries');
    p.add(10);
    p.done();
    expect(err).toEqual([]);
  });
});
