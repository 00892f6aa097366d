import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPARE_DEFAULT_FLAGS, parseRules } from '../manifest/rules.js';
import { compareManifests, type CompareChange } from './compare.js';
import { ManifestLineReader } from './line-reader.js';
import { memorySource } from './memory-source.js';
import { changeFormatter, type ReportFormat } from './report.js';

const HEADER = '! Version 1.0\n! Tuesday, March 05, 2024 (04:39:15)\n# Format:\n';
const A = 'user::rw-,group::r--,mask:r--,other:r--';

interface RunOptions {
  rules?: string;
  flags?: number;
  format?: ReportFormat;
  maxRead?: number;
}

/** Runs the merge over two manifests in memory; returns what bart would print. */
async function run(control: string, test: string, opts: RunOptions = {}) {
  const flags = opts.flags ?? COMPARE_DEFAULT_FLAGS;
  const { rules } = parseRules(opts.rules ?? '', { mode: 'compare', initialFlags: flags });
  const open = async (text: string) => {
    const reader = new ManifestLineReader(memorySource(text, opts.maxRead));
    await reader.open();
    return reader;
  };
  const formatter = changeFormatter(opts.format ?? 'verbose');
  const changes: CompareChange[] = [];
  let out = '';
  const outcome = await compareManifests(await open(control), await open(test), {
    rules,
    globalFlags: flags,
    onChange: (c) => {
      changes.push(c);
      out += formatter.format(c);
    },
  });
  out += formatter.end(outcome.status === 1);
  return { out, status: outcome.status, changes };
}

const manifest = (...lines: string[]) => HEADER + lines.map((l) => `${l}\n`).join('');
const F = (name: string, rest = `6 100644 ${A} 65e6a1f3 0 0 aaaa`) => `${name} F ${rest}`;
const D = (name: string, mode = '40755') => `${name} D 4096 ${mode} ${A} 65e6a1f3 0 0`;

describe('compareManifests: the example of spec/bart.md §7.2', () => {
  const control = manifest(
    D('/export/demo'),
    '/export/demo/empty F 0 100644 A 65e6a1f3 0 3 d41d8cd98f00b204e9800998ecf8427e',
    '/export/demo/fifo P 0 10600 A 65e6a1f3 0 0',
    '/export/demo/link L 5 120777 - 65e6a1f3 0 0 hello',
    '/export/demo/passwd F 42 100644 A 65e6a1f3 0 3 a6a3ababc89fa163ebcc8cf60392b2a1',
  );
  const test = manifest(
    D('/export/demo').replace('65e6a1f3', '65e6af68'),
    '/export/demo/fifo P 0 10600 A 65e6af68 0 0',
    '/export/demo/link L 5 120777 - 65e6af68 0 0 world',
    '/export/demo/new F 0 100644 A 65e6af68 0 3 d41d8cd98f00b204e9800998ecf8427e',
    '/export/demo/passwd F 46 100644 A 65e6af68 0 3 0123456789abcdef0123456789abcdef',
  );

  it('prints the verbose report', async () => {
    expect(await run(control, test)).toMatchObject({
      status: 1,
      out:
        '/export/demo/empty:\n  delete\n' +
        '/export/demo/link:\n  lnmtime  control:65e6a1f3  test:65e6af68\n  dest  control:hello  test:world\n' +
        '/export/demo/new:\n  add\n' +
        '/export/demo/passwd:\n  size  control:42  test:46\n  mtime  control:65e6a1f3  test:65e6af68\n' +
        '  contents  control:a6a3ababc89fa163ebcc8cf60392b2a1  test:0123456789abcdef0123456789abcdef\n',
    });
  });

  it('prints the -p report, one line per name with a trailing space', async () => {
    const { out } = await run(control, test, { format: 'programmatic' });
    expect(out).toBe(
      '/export/demo/empty delete \n' +
        '/export/demo/link lnmtime 65e6a1f3 65e6af68 dest hello world \n' +
        '/export/demo/new add \n' +
        '/export/demo/passwd size 42 46 mtime 65e6a1f3 65e6af68 contents a6a3ababc89fa163ebcc8cf60392b2a1 0123456789abcdef0123456789abcdef \n',
    );
  });

  it('prints one JSON object per reported path', async () => {
    const { out } = await run(control, test, { format: 'json' });
    const records = out.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(records[0]).toEqual({ name: '/export/demo/empty', change: 'removed' });
    expect(records[3]).toEqual({
      name: '/export/demo/passwd',
      change: 'modified',
      attributes: {
        size: { control: '42', test: '46' },
        mtime: { control: '65e6a1f3', test: '65e6af68' },
        contents: { control: 'a6a3ababc89fa163ebcc8cf60392b2a1', test: '0123456789abcdef0123456789abcdef' },
      },
    });
  });
});

describe('compareManifests: bart quirks', () => {
  it('never reports added or deleted directories by default (R0 skips them)', async () => {
    expect((await run(manifest(D('/a'), F('/z')), manifest(D('/b'), F('/z')))).status).toBe(0);
    expect((await run(manifest(D('/a')), manifest(D('/b')), { rules: '/\nCHECK add delete\n' })).changes).toEqual([
      { kind: 'delete', name: '/a' },
      { kind: 'add', name: '/b' },
    ]);
  });

  it('uses the stale type of the last mismatch for the leftover lines (§5.2 step 3)', async () => {
    // The last mismatch extracted type D on the control side: /c F is then looked up as D.
    const control = manifest(D('/b'), F('/c'));
    expect((await run(control, manifest(D('/b', '40700')))).changes).toEqual([
      { kind: 'modify', name: '/b', changes: [{ attribute: 'mode', control: '40755', test: '40700' }] },
    ]);
    // No mismatch before: the type is empty, so R0 applies and the deletion is reported.
    expect((await run(control, manifest(D('/b')))).changes).toEqual([{ kind: 'delete', name: '/c' }]);
    // And a leftover directory is then reported too.
    expect((await run(manifest(F('/a'), D('/b')), manifest(F('/a')))).changes).toEqual([{ kind: 'delete', name: '/b' }]);
  });

  it('repeats the previous name for a blank leftover line', async () => {
    const { out } = await run(manifest(F('/a'), F('/b'), ''), manifest(F('/a')));
    expect(out).toBe('/b:\n  delete\n  delete\n');
  });

  it('reads comment lines after the header as entries that no rule matches', async () => {
    expect((await run(manifest(F('/a'), '# note', F('/b')), manifest(F('/a'), F('/b')))).status).toBe(0);
  });

  it('prints the name again when it comes back after another one', async () => {
    const { out } = await run(manifest(F('/p'), F('/q')), manifest(F('/q', `6 100644 ${A} 65e6a1f3 1 0 aaaa`), F('/p')));
    expect(out).toBe('/p:\n  delete\n/q:\n  uid  control:0  test:1\n/p:\n  add\n');
  });

  it('reports a corrupt line and stops there', async () => {
    const outcome = await run(manifest(F('/a'), 'x'.repeat(70000), F('/b')), manifest(F('/b')), { maxRead: 8192 });
    expect(outcome.status).toBe(2);
  });
});

// Helpers: manifests whose names sort the same as their lines (no bytes < 0x21), without
// directories, so that the stale-type quirk never hides an addition or deletion.
const NON_DIR = ['F', 'L', 'P', 'S', 'B', 'C', 'O', '-'] as const;
const entryArb = fc.record({
  type: fc.constantFrom(...NON_DIR),
  size: fc.constantFrom('0', '6', '4096'),
  mode: fc.constantFrom('100644', '100755'),
  acl: fc.constantFrom(A, '-'),
  mtime: fc.constantFrom('65e6a1f3', '65e6af68'),
  uid: fc.constantFrom('0', '1000'),
  gid: fc.constantFrom('0', '3'),
  last: fc.constantFrom('aaaa', 'bbbb', '-'),
});
type EntryFields = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;
const nameArb = fc.stringMatching(/^\/[a-c]{1,2}(\/[a-c.-]{1,2}){0,2}$/);
const sideArb = fc.dictionary(nameArb, entryArb, { maxKeys: 25 });
const pairArb = fc.tuple(sideArb, sideArb, fc.dictionary(nameArb, entryArb, { maxKeys: 10 })).map(([common, onlyC, onlyT]) => {
  const control = new Map([...Object.entries(common), ...Object.entries(onlyC)]);
  const test = new Map([...Object.entries(common), ...Object.entries(onlyT)]);
  return { control, test };
});

function lineOf(name: string, e: EntryFields): string {
  const last = e.type === 'F' || e.type === 'L' || e.type === 'B' || e.type === 'C' ? ` ${e.last}` : '';
  return `${name} ${e.type} ${e.size} ${e.mode} ${e.acl} ${e.mtime} ${e.uid} ${e.gid}${last}`;
}

const textOf = (m: Map<string, EntryFields>) => manifest(...[...m].map(([n, e]) => lineOf(n, e)).sort());

/** The naive model: a Map join by name with bart's default flags and time rules. */
function naiveChanges(control: Map<string, EntryFields>, test: Map<string, EntryFields>): CompareChange[] {
  const names = [...new Set([...control.keys(), ...test.keys()])].sort();
  return names.flatMap((name): CompareChange[] => {
    const [c, t] = [control.get(name), test.get(name)];
    if (!t) return [{ kind: 'delete', name }];
    if (!c) return [{ kind: 'add', name }];
    const lastOf = (e: EntryFields, type: string) => (e.type === type ? e.last : '');
    const time = c.type !== t.type ? 'mtime' : c.type === 'F' ? 'mtime' : c.type === 'L' ? 'lnmtime' : undefined;
    const pairs: Array<[string | undefined, string, string]> = [
      ['type', c.type, t.type], ['size', c.size, t.size], ['mode', c.mode, t.mode], ['acl', c.acl, t.acl],
      [time, c.mtime, t.mtime], ['uid', c.uid, t.uid], ['gid', c.gid, t.gid],
      ['devnode', lastOf(c, 'B') || lastOf(c, 'C'), lastOf(t, 'B') || lastOf(t, 'C')],
      ['dest', lastOf(c, 'L'), lastOf(t, 'L')], ['contents', lastOf(c, 'F'), lastOf(t, 'F')],
    ];
    const changes = pairs
      .filter(([attribute, cv, tv]) => attribute !== undefined && cv !== tv)
      .map(([attribute, control, test]) => ({ attribute, control, test }));
    return changes.length ? [{ kind: 'modify', name, changes } as CompareChange] : [];
  });
}

describe('compareManifests properties', () => {
  it('compare(m, m) reports nothing and exits 0', async () => {
    await fc.assert(
      fc.asyncProperty(sideArb, fc.integer({ min: 1, max: 64 }), async (m, maxRead) => {
        const text = textOf(new Map(Object.entries(m)));
        expect(await run(text, text, { maxRead })).toEqual({ out: '', status: 0, changes: [] });
      }),
    );
  });

  it('equals a naive Map-based comparison', async () => {
    await fc.assert(
      fc.asyncProperty(pairArb, async ({ control, test }) => {
        const expected = naiveChanges(control, test);
        const got = await run(textOf(control), textOf(test));
        expect(got.changes).toEqual(expected);
        expect(got.status).toBe(expected.length ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('swapping control and test swaps add and delete and the two values', async () => {
    const swap = (c: CompareChange): CompareChange =>
      c.kind === 'modify'
        ? { ...c, changes: c.changes.map((x) => ({ ...x, control: x.test, test: x.control })) }
        : { ...c, kind: c.kind === 'add' ? 'delete' : 'add' };
    await fc.assert(
      fc.asyncProperty(pairArb, async ({ control, test }) => {
        const forward = await run(textOf(control), textOf(test));
        const backward = await run(textOf(test), textOf(control));
        expect(backward.changes).toEqual(forward.changes.map(swap));
      }),
      { numRuns: 200 },
    );
  });
});
