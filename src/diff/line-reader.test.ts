import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestLineReader } from './line-reader.js';
import { memorySource } from './memory-source.js';

const HEADER = '! Version 1.0\n! Tuesday, March 05, 2024 (04:39:15)\n# Format:\n';

/** Every line the reader yields, and how the input ended. */
async function readAll(text: string, maxRead = Infinity) {
  const reader = new ManifestLineReader(memorySource(text, maxRead));
  await reader.open();
  const lines: string[] = [];
  while (reader.state === 'line') {
    lines.push(reader.text());
    await reader.advance();
  }
  return { lines, state: reader.state, reader };
}

describe('ManifestLineReader (spec/bart.md §5.1)', () => {
  it('skips the leading ! and # lines only', async () => {
    const { lines, reader } = await readAll(`${HEADER}/a F\n# later\n!bang\n\n/b F\n`);
    expect(lines).toEqual(['/a F', '# later', '!bang', '', '/b F']);
    expect(reader.headerLines).toEqual(HEADER.trimEnd().split('\n'));
    expect(reader.versionOk).toBe(true);
  });

  it.each([
    ['! Version 1.1\n! Hash SHA256\n/a F\n', false],
    ['', false],
    ['! Version 1.0', false], // no newline: the 14 bytes differ
    ['! Version 1.0\n', true],
  ])('flags a missing or other version string in %j', async (text, ok) => {
    expect((await readAll(text)).reader.versionOk).toBe(ok);
  });

  it('drops a last line without newline', async () => {
    expect((await readAll(`${HEADER}/a F\n/b F`)).lines).toEqual(['/a F']);
  });

  it('ends the input at a NUL byte', async () => {
    const { lines, state, reader } = await readAll(`${HEADER}/a F\n/b\0 F\n/c F\n`);
    expect([lines, state, reader.endedAtNul]).toEqual([['/a F'], 'eof', true]);
  });

  it('accepts a line of 65535 bytes and calls one of 65536 corrupt', async () => {
    const ok = await readAll(`${HEADER}/a F\n${'x'.repeat(65535)}\n/c F\n`, 4096);
    expect(ok.lines.map((l) => l.length)).toEqual([4, 65535, 4]);
    const bad = await readAll(`${HEADER}/a F\n${'x'.repeat(65536)}\n/c F\n`, 4096);
    expect([bad.lines, bad.state, bad.reader.lineNumber + 1]).toEqual([['/a F'], 'corrupt', 5]);
  });

  it('needs the first entry line to end within the first 64 KiB of the file (bart quirk)', async () => {
    const first = 'y'.repeat(65536 - HEADER.length - 1);
    expect((await readAll(`${HEADER}${first}\n/b F\n`)).lines).toEqual([first, '/b F']);
    expect((await readAll(`${HEADER}${first}z\n/b F\n`)).state).toBe('corrupt');
  });

  it('reads a header that fills the first 64 KiB as an empty manifest', async () => {
    const { lines, state } = await readAll(`${'#'.repeat(70000)}\n/a F\n`);
    expect([lines, state]).toEqual([[], 'eof']);
  });

  it('counts lines from the top of the file', async () => {
    const reader = new ManifestLineReader(memorySource(`${HEADER}/a F\n/b F\n`));
    await reader.open();
    expect(reader.lineNumber).toBe(4);
    await reader.advance();
    expect(reader.lineNumber).toBe(5);
  });

  it('yields the newline-terminated lines after the header, whatever the read sizes', async () => {
    const lineArb = fc.stringMatching(/^[^\n\0#!][^\n\0]{0,40}$/);
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { maxLength: 30 }), fc.integer({ min: 1, max: 50 }), async (body, maxRead) => {
        const { lines } = await readAll(HEADER + body.map((l) => `${l}\n`).join(''), maxRead);
        expect(lines).toEqual(body);
      }),
    );
  });
});
