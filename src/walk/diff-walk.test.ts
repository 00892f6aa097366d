import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNode, faultyFs, file, memTree, memTreeArb, symlink, type Node } from '../../test/memfs-tree.js';
import { withoutIdenticalPairs } from '../../test/pair-lines.js';
import type { ContentsMode } from './context.js';
import { createFromRules, parseCreateRules, type CreateOptions } from './create-manifest.js';
import { walkPair, type PairWalkOptions } from './diff-walk.js';
import { linesOf } from './line-merge.js';
import { PAIR_TAGS } from './pair-walk.js';
import type { WalkFs } from './walk-fs.js';

const C = '/c';
const T = '/t';
const RULES = '/\nCHECK all\nIGNORE dirmtime\n';

/** Each tree's manifest lines by name, as `manifest create` makes them (hashed, or lazy). */
async function manifest(fs: WalkFs, root: string, lazyContents: boolean): Promise<Map<string, string>> {
  const opts: CreateOptions = { relocRoot: root, computeChecksum: false, hash: 'xxh64', acl: 'posix', fs, threads: 0, lazyContents };
  const lines: string[] = [];
  await createFromRules(opts, parseCreateRules(RULES, opts), { text: (b) => void lines.push(...b.flatMap(linesOf)), message: () => {} });
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(' ')), l]));
}

async function pairWalk(fs: WalkFs, over: Partial<PairWalkOptions> = {}) {
  const opts: PairWalkOptions = { relocRoots: [C, T], hash: 'xxh64', mode: 'default', sameLineage: false, fs, threads: 0, ...over };
  const rules = opts.relocRoots.map((root) => parseCreateRules(RULES, { relocRoot: root, computeChecksum: false, hash: 'xxh64', acl: 'posix', fs, threads: 0 }));
  const lines: string[] = [];
  const messages: string[] = [];
  const status = await walkPair({ ...opts }, rules as [never, never], {
    text: (b) => void lines.push(...b.flatMap(linesOf)),
    message: (m) => void messages.push(m),
  });
  return { lines: withoutIdenticalPairs(lines), messages, status };
}

/** Without the inode and ctime of the lazy suffix: what --quick looks at. */
const quickView = (line: string) => line.replace(/\t\d+:[\d.]+:/, '\t');
const unhashed = (line: string) => line.split('\t')[0]!;
const fields = (line: string) => line.split(/[ \t:]/);

/**
 * What a pair walk must print: each tree's line for every name that only one tree has, or
 * whose lines differ (by the hashed lines; under quick, by size and mtime). Contents are
 * hashed where a report may show them: not on one tree only, not where quick trusts them.
 */
async function expected(fs: WalkFs, mode: ContentsMode): Promise<string[]> {
  const [hc, ht] = [await manifest(fs, C, false), await manifest(fs, T, false)];
  const [lc, lt] = [await manifest(fs, C, true), await manifest(fs, T, true)];
  // Directories listing a name with a byte below ' ' (either tree) print every line below them.
  const parent = (name: string) => name.slice(0, Math.max(1, name.lastIndexOf('/')));
  const names = [...new Set([...lc.keys(), ...lt.keys()])];
  // eslint-disable-next-line no-control-regex
  const outOfStep = new Set(names.filter((n) => n !== '/' && /[\x00-\x1f]/.test(n.slice(n.lastIndexOf('/') + 1))).map(parent));
  // The root's own line sorts among its entries; another directory's line is its parent's.
  const inOutOfStep = (name: string) => [...outOfStep].some((dir) => (dir === '/' ? true : name !== dir && name.startsWith(dir + '/')));
  const differs = (name: string) =>
    inOutOfStep(name) ||
    (mode === 'quick' ? quickView(lc.get(name) ?? 'c') !== quickView(lt.get(name) ?? 't') : hc.get(name) !== ht.get(name));
  const trusted = (name: string) => {
    const [c, t] = [fields(lc.get(name)!), fields(lt.get(name)!)];
    // name F size ... - ino ctime mtime flag: quick trusts equal sizes and mtimes.
    return mode === 'quick' && c[1] === 'F' && t[1] === 'F' && c[2] === t[2] && c.at(-2) === t.at(-2);
  };
  const lineOf = (name: string, s: number) => {
    const [lazy, hashed] = s === 0 ? [lc, hc] : [lt, ht];
    // Where every line is printed, every line is create's; elsewhere a line on one tree only,
    // or of two files quick trusts, keeps contents '-'.
    const full = inOutOfStep(name) || (lc.has(name) && lt.has(name) && !trusted(name));
    return full ? hashed.get(name)! : unhashed(lazy.get(name)!);
  };
  return [lc, lt].flatMap((lines, s) => [...lines.keys()].filter(differs).map((name) => PAIR_TAGS[s] + lineOf(name, s)));
}

// Edits to a copy of a tree: each keeps the path (content of the same or another size,
// mode, a symlink instead of a file) or drops it.
const editArb = fc.constantFrom('keep', 'keep', 'keep', 'sameSize', 'newSize', 'chmod', 'symlink', 'delete');

function edited(nodes: Record<string, Node>, edits: string[], extra: Record<string, Node>): Record<string, Node> {
  const out: Record<string, Node> = {};
  Object.entries(nodes).forEach(([path, node], i) => {
    const edit = node.kind === 'file' ? edits[i % edits.length]! : 'keep';
    if (node.kind !== 'file' || edit === 'keep') return addNode(out, path, node);
    const content = (node as { content: string }).content;
    if (edit === 'sameSize') addNode(out, path, file(content.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'))));
    else if (edit === 'newSize') addNode(out, path, file(content + '+'));
    else if (edit === 'chmod') addNode(out, path, file(content, 0o600));
    else if (edit === 'symlink') addNode(out, path, symlink(content));
  });
  for (const [path, node] of Object.entries(extra)) addNode(out, path, node);
  return out;
}

function twoTrees(c: Record<string, Node>, t: Record<string, Node>): WalkFs {
  return faultyFs(memTree(T, t, 1700000000, memTree(C, c)));
}

describe('walkPair', () => {
  it('prints the lines of what differs, each tree in its own order, its lines together', async () => {
    await fc.assert(
      fc.asyncProperty(
        memTreeArb,
        fc.array(editArb, { minLength: 1, maxLength: 8 }),
        memTreeArb,
        fc.constantFrom<ContentsMode>('default', 'paranoid', 'quick'),
        fc.integer({ min: 1, max: 5 }),
        async (nodes, edits, extra, mode, donateEvery) => {
          const fs = twoTrees(nodes, edited(nodes, edits, extra));
          // Jobs donating every few entries, as busy threads do: the pieces must join up.
          const { lines, messages, status } = await pairWalk(fs, { mode, inThreadTuning: { donateEvery } });
          const want = withoutIdenticalPairs(await expected(fs, mode));
          expect([...lines].sort()).toEqual([...want].sort());
          for (const tag of PAIR_TAGS) expect(lines.filter((l) => l[0] === tag)).toEqual(want.filter((l) => l[0] === tag));
          // A name on both trees: control's line, then test's.
          lines.forEach((l, i) => {
            if (l[0] === PAIR_TAGS[1] && lines.some((o) => o[0] === PAIR_TAGS[0] && o.split(' ')[0]!.slice(1) === l.split(' ')[0]!.slice(1))) {
              expect(lines[i - 1]!.split(' ')[0]!.slice(1)).toBe(l.split(' ')[0]!.slice(1));
            }
          });
          expect(messages).toEqual([]);
          expect(status).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  const SAME: Record<string, Node> = { 'etc/passwd': file('root:x:0:0\n'), 'etc/motd': file('hi\n'), 'usr/bin/ls': file('ls', 0o755) };

  function countingOpens(fs: WalkFs): { fs: WalkFs; opened: string[] } {
    const opened: string[] = [];
    return { fs: { ...fs, open: (p) => (opened.push(p), fs.open(p)) }, opened };
  }

  it('reads every file of two alike trees of other lineages, none of one lineage, and prints nothing', async () => {
    const other = countingOpens(twoTrees(SAME, SAME));
    expect(await pairWalk(other.fs)).toEqual({ lines: [], messages: [], status: 0 });
    expect(other.opened.sort()).toEqual(['/c/etc/motd', '/c/etc/passwd', '/c/usr/bin/ls', '/t/etc/motd', '/t/etc/passwd', '/t/usr/bin/ls']);
    // A tree against itself as one lineage: same inode, size, mtime and ctime.
    const self = countingOpens(twoTrees(SAME, {}));
    expect(await pairWalk(self.fs, { relocRoots: [C, C], sameLineage: true })).toEqual({ lines: [], messages: [], status: 0 });
    expect(self.opened).toEqual([]);
    // --quick trusts size and mtime; --paranoid reads even one lineage.
    expect((await pairWalk(self.fs, { relocRoots: [C, C], mode: 'quick' })).lines).toEqual([]);
    expect(self.opened).toEqual([]);
    await pairWalk(self.fs, { relocRoots: [C, C], sameLineage: true, mode: 'paranoid' });
    expect(self.opened.length).toBe(6);
  });

  // Pseudo-files (sysfs...) read short before their end: the bytes past a short read count.
  it('compares files whose reads come short to their end', async () => {
    const [head, tail] = ['h'.repeat(1500), 't'.repeat(1500)];
    const base = faultyFs(memTree(T, { f: file(head + tail) }, 1700000000, memTree(C, { f: file(head + 'x'.repeat(1500)) })));
    const fs = { ...base, read: (fd: number, buffer: Uint8Array, length: number) => base.read(fd, buffer, Math.min(length, 1000)) };
    const { lines } = await pairWalk(fs);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['c/f', 't/f']);
  });

  it('prints both lines of a file it cannot read on one tree, with the message create gives', async () => {
    const fs = faultyFs(memTree(T, SAME, 1700000000, memTree(C, SAME)), { unopenable: [`${T}/etc/motd`] });
    const { lines, messages, status } = await pairWalk(fs);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['c/etc/motd', 't/etc/motd']);
    expect(lines[1]!.endsWith(' -')).toBe(true);
    expect(messages).toEqual([`${T}/etc/motd: Permission denied\n`]);
    expect(status).toBe(1);
  });

  it('walks a directory only one tree can list on that tree alone, as create does', async () => {
    const fs = faultyFs(memTree(T, SAME, 1700000000, memTree(C, SAME)), { unreadableDirs: [`${C}/etc`] });
    const { lines, messages, status } = await pairWalk(fs);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['t/etc', 't/etc/motd', 't/etc/passwd']);
    expect(messages).toEqual([`WARNING: cannot list directory: ${C}/etc\n`]);
    expect(status).toBe(1);
  });

  it('prints both lines of a type change, and both roots when they differ', async () => {
    const typeChange = await pairWalk(twoTrees({ ...SAME, lnk: symlink('etc') }, { ...SAME, lnk: file('etc') }));
    expect(typeChange.lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['c/lnk L', 't/lnk F']);
    // Every mtime differs: every line on both trees, the roots' first (they print as '/').
    const later = await pairWalk(faultyFs(memTree(T, SAME, 1700000001, memTree(C, SAME))));
    expect(later.lines.slice(0, 2).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['c/ D', 't/ D']);
    expect(later.lines.length).toBe(2 * 7);
  });
});
