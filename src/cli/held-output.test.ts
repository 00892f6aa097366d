import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldOutput } from './held-output.js';

const spillDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('preupd-output-')).sort();

function capture() {
  const events: string[] = [];
  return {
    events,
    io: {
      stdout: async (c: string | Uint8Array) => void events.push(`out:${Buffer.from(c).toString('latin1')}`),
      stderr: (c: string | Uint8Array) => void events.push(`err:${typeof c === 'string' ? c : Buffer.from(c).toString('latin1')}`),
    },
  };
}

describe('HeldOutput', () => {
  it('writes nothing before commit, then warnings and every byte in order, in memory or past its limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 200 }), async (chunks, limit) => {
        const before = spillDirs();
        const { events, io } = capture();
        const held = new HeldOutput(io, limit);
        held.stderr('warning\n');
        for (const c of chunks) held.stdout(Buffer.from(c, 'latin1'));
        expect(events).toEqual([]);
        await held.commit();
        const out = events.filter((e) => e.startsWith('out:')).map((e) => e.slice(4)).join('');
        expect(events[0]).toBe('err:warning\n');
        expect(out).toBe(chunks.join(''));
        expect(spillDirs()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  // A process that ends on EPIPE or a signal never reaches discard().
  it('leaves no temporary file in the file system, even while it holds one', async () => {
    const before = spillDirs();
    const { events, io } = capture();
    const held = new HeldOutput(io, 4);
    held.stderr('warning\n');
    held.stdout(Buffer.from('more than four bytes'));
    expect(spillDirs()).toEqual(before);
    await held.commit();
    expect(events).toEqual(['err:warning\n', 'out:more than four bytes']);
  });
});
