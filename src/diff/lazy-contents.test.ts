import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairByName, resolveContents, type ContentsMode, type HashedContents, type JoinedPair, type LazyContentsOptions } from './lazy-contents.js';

const ACL = 'user::rw-,group::r--,mask:r--,other:r--';

interface LiveFile {
  size?: number;
  ino?: number;
  ctimeMs?: number;
  mtimeMs?: number;
}

/** An F line as the walker prints it for diff: contents `-`, then `\t<ino>:<ctimeMs>:<mtimeMs>`. */
function liveF(name: string, f: LiveFile = {}): string {
  const { size = 6, ino = 100, ctimeMs = 1709613555123.5, mtimeMs = 1709613555000 } = f;
  const mtime = Math.floor(mtimeMs / 1000).toString(16);
  return `${name} F ${size} 100644 ${ACL} ${mtime} 0 0 -\t${ino}:${ctimeMs}:${mtimeMs}`;
}

/** An F line of a saved manifest (its hash in the last field). */
function savedF(name: string, contents: string, f: { size?: number; mtimeMs?: number } = {}): string {
  const { size = 6, mtimeMs = 1709613555000 } = f;
  return `${name} F ${size} 100644 ${ACL} ${Math.floor(mtimeMs / 1000).toString(16)} 0 0 ${contents}`;
}

const dirLine = (name: string) => `${name} D 4096 40755 ${ACL} 65e6a1f3 0 0`;
const linkLine = (name: string, dest: string) => `${name} L ${dest.length} 120777 - 65e6a1f3 0 0 ${dest}`;
const withoutSuffix = (line: string) => line.split('\t')[0]!;
const contentsOf = (line: string | undefined) => line?.slice(line.lastIndexOf(' ') + 1);

/** A hash function that records the names it was asked for and answers `<side>:<name>`. */
function countingHasher(side: string, delay: (name: string) => number = () => 0) {
  const calls: string[] = [];
  const hash = async (name: string): Promise<HashedContents> => {
    calls.push(name);
    const ms = delay(name);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    return { contents: `${side}:${name}` };
  };
  return { calls, hash };
}

/** The lines in batches of two, so that pairs also straddle batches. */
async function* linesOf(lines: readonly string[]): AsyncGenerator<string[]> {
  for (let i = 0; i < lines.length; i += 2) yield lines.slice(i, i + 2);
}

async function join(
  control: readonly string[],
  test: readonly string[],
  opts: Partial<LazyContentsOptions> & { mode: ContentsMode },
): Promise<JoinedPair[]> {
  const out: JoinedPair[] = [];
  const full: LazyContentsOptions = { comparesContents: () => true, onMessage: () => {}, ...opts };
  for await (const pairs of resolveContents(pairByName(linesOf(control), linesOf(test)), full)) out.push(...pairs);
  return out;
}

/** Two live sides, each with a counting hasher. */
function liveSides(delay?: (name: string) => number) {
  return { control: countingHasher('c', delay), test: countingHasher('t', delay) };
}

describe('pairByName + resolveContents: which pairs are hashed', () => {
  it('does not read the same file on two snapshots (same inode, size, mtime and ctime)', async () => {
    const h = liveSides();
    const out = await join([liveF('/a', { ino: 7 })], [liveF('/a', { ino: 7 })], { mode: 'default', hashControl: h.control.hash, hashTest: h.test.hash });
    expect(h.control.calls).toEqual([]);
    expect(h.test.calls).toEqual([]);
    expect(out).toEqual([{ control: withoutSuffix(liveF('/a', { ino: 7 })), test: withoutSuffix(liveF('/a', { ino: 7 })) }]);
  });

  it.each([
    ['another inode', { ino: 8 }],
    ['another ctime', { ctimeMs: 1709613999000 }],
    ['another mtime (ms)', { mtimeMs: 1709613555001 }],
  ])('hashes both sides of a same-size pair with %s by default', async (_what, change) => {
    const h = liveSides();
    const out = await join([liveF('/a', { ino: 7 })], [liveF('/a', { ino: 7, ...change })], { mode: 'default', hashControl: h.control.hash, hashTest: h.test.hash });
    expect([h.control.calls, h.test.calls]).toEqual([['/a'], ['/a']]);
    expect([contentsOf(out[0]!.control), contentsOf(out[0]!.test)]).toEqual(['c:/a', 't:/a']);
  });

  it('trusts size and mtime under --quick: no hash for another inode with the same size and mtime', async () => {
    const h = liveSides();
    const out = await join([liveF('/a', { ino: 1 })], [liveF('/a', { ino: 2, ctimeMs: 5 })], { mode: 'quick', hashControl: h.control.hash, hashTest: h.test.hash });
    expect([h.control.calls, h.test.calls]).toEqual([[], []]);
    expect([contentsOf(out[0]!.control), contentsOf(out[0]!.test)]).toEqual(['-', '-']);
  });

  it('hashes under --quick when the mtimes differ only in milliseconds', async () => {
    const h = liveSides();
    await join([liveF('/a', { ino: 1, mtimeMs: 1709613555000 })], [liveF('/a', { ino: 2, mtimeMs: 1709613555500 })], {
      mode: 'quick', hashControl: h.control.hash, hashTest: h.test.hash,
    });
    expect([h.control.calls, h.test.calls]).toEqual([['/a'], ['/a']]);
  });

  it('hashes the same file on both sides under --paranoid', async () => {
    const h = liveSides();
    const out = await join([liveF('/a', { ino: 7 })], [liveF('/a', { ino: 7 })], { mode: 'paranoid', hashControl: h.control.hash, hashTest: h.test.hash });
    expect([h.control.calls, h.test.calls]).toEqual([['/a'], ['/a']]);
    expect([contentsOf(out[0]!.control), contentsOf(out[0]!.test)]).toEqual(['c:/a', 't:/a']);
  });

  it.each<ContentsMode>(['default', 'quick'])('hashes both files when the sizes differ (%s), so the report shows both hashes', async (mode) => {
    const h = liveSides();
    const out = await join([liveF('/a', { size: 6 })], [liveF('/a', { size: 9 })], { mode, hashControl: h.control.hash, hashTest: h.test.hash });
    expect([h.control.calls, h.test.calls]).toEqual([['/a'], ['/a']]);
    expect(out).toEqual([
      { control: withoutSuffix(liveF('/a', { size: 6 })).replace(/ -$/, ' c:/a'), test: withoutSuffix(liveF('/a', { size: 9 })).replace(/ -$/, ' t:/a') },
    ]);
  });

  it.each<[string, string[], string[], string[], string[]]>([
    ['file -> directory', [liveF('/x')], [dirLine('/x')], ['/x'], []],
    ['directory -> file', [dirLine('/x')], [liveF('/x')], [], ['/x']],
    ['file -> symlink', [liveF('/x')], [linkLine('/x', 'y')], ['/x'], []],
  ])('hashes only the F side of a type change (%s)', async (_what, control, test, wantC, wantT) => {
    const h = liveSides();
    const out = await join(control, test, { mode: 'default', hashControl: h.control.hash, hashTest: h.test.hash });
    expect([h.control.calls, h.test.calls]).toEqual([wantC, wantT]);
    if (wantC.length) expect(contentsOf(out[0]!.control)).toBe('c:/x');
    else expect(out[0]!.control).toBe(control[0]);
    if (wantT.length) expect(contentsOf(out[0]!.test)).toBe('t:/x');
    else expect(out[0]!.test).toBe(test[0]);
  });

  it('hashes nothing for a pair whose rules do not compare contents', async () => {
    const h = liveSides();
    const seen: Array<[string, string]> = [];
    await join([liveF('/a', { size: 1 }), liveF('/b', { size: 1 })], [liveF('/a', { size: 2 }), liveF('/b', { size: 2 })], {
      mode: 'paranoid', hashControl: h.control.hash, hashTest: h.test.hash,
      comparesContents: (name, type) => (seen.push([name, type]), name === '/b'),
    });
    expect(seen).toEqual([['/a', 'F'], ['/b', 'F']]);
    expect([h.control.calls, h.test.calls]).toEqual([['/b'], ['/b']]);
  });

  it('never hashes added or deleted entries', async () => {
    const h = liveSides();
    const out = await join([liveF('/deleted', { size: 1 }), liveF('/kept', { ino: 3 })], [liveF('/added', { size: 2 }), liveF('/kept', { ino: 3 })], {
      mode: 'paranoid', hashControl: h.control.hash, hashTest: h.test.hash,
    });
    expect([h.control.calls, h.test.calls]).toEqual([['/kept'], ['/kept']]);
    expect(out.map((p) => [p.control?.split(' ')[0], p.test?.split(' ')[0]])).toEqual([[undefined, '/added'], ['/deleted', undefined], ['/kept', '/kept']]);
    expect(out[0]!.test).toBe(withoutSuffix(liveF('/added', { size: 2 })));
  });

  it('passes a hash failure message on and keeps going', async () => {
    const messages: string[] = [];
    const out = await join([liveF('/a', { size: 1 })], [liveF('/a', { size: 2 })], {
      mode: 'default',
      hashControl: async () => ({ contents: '-', message: '/c/a: Permission denied\n' }),
      hashTest: async () => ({ contents: 'ok' }),
      onMessage: (m) => void messages.push(m),
    });
    expect(messages).toEqual(['/c/a: Permission denied\n']);
    expect([contentsOf(out[0]!.control), contentsOf(out[0]!.test)]).toEqual(['-', 'ok']);
  });
});

describe('pairByName + resolveContents: a saved manifest on one side', () => {
  it('lends the control manifest hash to the live test file under --quick (same size and mtime second)', async () => {
    const test = countingHasher('t');
    const control = savedF('/a', 'feedface', { mtimeMs: 1709613555000 });
    const out = await join([control], [liveF('/a', { mtimeMs: 1709613555999 })], { mode: 'quick', hashTest: test.hash });
    expect(test.calls).toEqual([]);
    expect(out).toEqual([{ control, test: withoutSuffix(liveF('/a', { mtimeMs: 1709613555999 })).replace(/ -$/, ' feedface') }]);
  });

  it('lends the test manifest hash to the live control file under --quick', async () => {
    const control = countingHasher('c');
    const test = savedF('/a', 'feedface');
    const out = await join([liveF('/a')], [test], { mode: 'quick', hashControl: control.hash });
    expect(control.calls).toEqual([]);
    expect(out).toEqual([{ control: withoutSuffix(liveF('/a')).replace(/ -$/, ' feedface'), test }]);
  });

  it.each<ContentsMode>(['default', 'paranoid'])('hashes only the live side against a saved manifest (%s)', async (mode) => {
    const test = countingHasher('t');
    const control = savedF('/a', 'feedface');
    const out = await join([control], [liveF('/a')], { mode, hashTest: test.hash });
    expect(test.calls).toEqual(['/a']);
    expect(out).toEqual([{ control, test: withoutSuffix(liveF('/a')).replace(/ -$/, ' t:/a') }]);
  });

  // Bug: resolvePair lends the control's hash whenever the control has no hasher, even to a
  // test side that is a manifest too, overwriting its recorded hash (see test/diff-manifest-side).
  it('keeps both recorded hashes under --quick when both sides are manifests', async () => {
    const control = savedF('/a', 'aaaa');
    const test = savedF('/a', 'bbbb');
    expect(await join([control], [test], { mode: 'quick' })).toEqual([{ control, test }]);
  });

  it('hashes the live side under --quick when the saved mtime differs', async () => {
    const test = countingHasher('t');
    await join([savedF('/a', 'feedface', { mtimeMs: 1709610000000 })], [liveF('/a')], { mode: 'quick', hashTest: test.hash });
    expect(test.calls).toEqual(['/a']);
  });
});

describe('pairByName + resolveContents: order', () => {
  it('keeps the merge order across many pairs whose hashes finish in any order', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `/d/f${String(i).padStart(4, '0')}`);
    // Later names finish first: hashes in flight (the window) must not reorder the output.
    const h = liveSides((name) => (300 - Number(name.slice(4))) / 10);
    const control = names.map((n, i) => liveF(n, { ino: i, size: 1 }));
    const test = names.map((n, i) => liveF(n, { ino: i + 1000, size: i % 3 === 0 ? 2 : 1 }));
    const out = await join(control, test, { mode: 'default', hashControl: h.control.hash, hashTest: h.test.hash });
    expect(out.map((p) => p.control!.split(' ')[0])).toEqual(names);
    expect(out.map((p) => p.test!.split(' ')[0])).toEqual(names);
    expect(out.every((p) => contentsOf(p.control) === `c:${p.control!.split(' ')[0]}`)).toBe(true);
    expect(h.control.calls.sort()).toEqual(names);
  });
});

// Names over a small alphabet, so that the two sides share many of them; sorted bytewise.
const nameArb = fc.stringMatching(/^\/[ab.\-\xff]{1,3}(\/[ab]{1,2})?$/);
const sideArb = fc.uniqueArray(
  fc.record({ name: nameArb, type: fc.constantFrom('F', 'F', 'F', 'D', 'L'), size: fc.integer({ min: 0, max: 2 }), ino: fc.integer({ min: 1, max: 3 }) }),
  { selector: (e) => e.name, maxLength: 40 },
);

function lineOf(e: { name: string; type: string; size: number; ino: number }): string {
  if (e.type === 'F') return liveF(e.name, { size: e.size, ino: e.ino });
  return e.type === 'D' ? dirLine(e.name) : linkLine(e.name, 'x'.repeat(e.size + 1));
}

describe('pairByName + resolveContents: property', () => {
  it('pairs lines as a naive Map join by name does, and hashes only F files present on both sides', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb, sideArb, fc.constantFrom<ContentsMode>('default', 'quick', 'paranoid'), async (c, t, mode) => {
        const control = c.map(lineOf).sort();
        const test = t.map(lineOf).sort();
        const h = liveSides((name) => name.length % 3);
        const out = await join(control, test, { mode, hashControl: h.control.hash, hashTest: h.test.hash });

        const byName = new Map<string, { control?: string; test?: string }>();
        for (const l of control) byName.set(l.split(' ')[0]!, { control: withoutSuffix(l) });
        for (const l of test) byName.set(l.split(' ')[0]!, { ...byName.get(l.split(' ')[0]!), test: withoutSuffix(l) });
        const expected = [...byName.keys()].sort().map((n) => byName.get(n)!);
        // Contents aside (the hasher's business), every line comes out as it went in.
        const noContents = (l: string | undefined) => (l?.split(' ')[1] === 'F' ? l.slice(0, l.lastIndexOf(' ')) : l);
        expect(out.map((p) => [noContents(p.control), noContents(p.test)])).toEqual(expected.map((p) => [noContents(p.control), noContents(p.test)]));

        const both = new Set(expected.filter((p) => p.control && p.test).map((p) => p.control!.split(' ')[0]!));
        for (const name of [...h.control.calls, ...h.test.calls]) expect(both.has(name)).toBe(true);
        if (mode === 'paranoid') {
          const files = (side: 'control' | 'test') => expected.filter((p) => both.has(p[side]?.split(' ')[0] ?? '') && p[side]!.split(' ')[1] === 'F').map((p) => p[side]!.split(' ')[0]);
          expect(h.control.calls.sort()).toEqual(files('control').sort());
          expect(h.test.calls.sort()).toEqual(files('test').sort());
        }
      }),
      { numRuns: 150 },
    );
  });
});
