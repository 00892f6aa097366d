import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultyFs, file, memTree, memTreeArb, symlink, type Node } from '../../test/memfs-tree.js';
import { createFromList, createFromRules, parseCreateRules, type CreateOptions } from './create-manifest.js';
import { linesOf } from './line-merge.js';
import type { WalkFs } from './walk-fs.js';

const ROOT = '/sys';

function options(fs: WalkFs, over: Partial<CreateOptions> = {}): CreateOptions {
  return { relocRoot: ROOT, computeChecksum: true, hash: 'md5', acl: 'posix', fs, threads: 0, ...over };
}

async function create(fs: WalkFs, rules?: string, over: Partial<CreateOptions> = {}) {
  const lines: string[] = [];
  const messages: string[] = [];
  const opts = options(fs, over);
  const parsed = rules === undefined ? undefined : parseCreateRules(rules, opts);
  const status = await createFromRules(opts, parsed, {
    text: (blocks) => void lines.push(...blocks.flatMap(linesOf)),
    message: (m) => void messages.push(m),
  });
  return { lines, messages, status, names: lines.map((l) => l.split(' ')[0]) };
}

const SAMPLE: Record<string, Node> = {
  'etc/passwd': file('root:x:0:0:Super-User:/root:/usr/bin/bash\n'),
  'etc/motd file': file('hello\n'),
  'etc/localtime': symlink('../usr/share/zoneinfo/UTC'),
  'usr/bin/ls': file('ls\n', 0o755),
  'a-b': file(''),
  'a/c': file(''),
  a0: file(''),
};

describe('createFromRules on a memfs tree', () => {
  it('lists every non-directory in C-locale line order, without D lines by default', async () => {
    const { names, status, messages } = await create(faultyFs(memTree(ROOT, SAMPLE)));
    expect(names).toEqual(['/a-b', '/a/c', '/a0', '/etc/localtime', '/etc/motd\\040file', '/etc/passwd', '/usr/bin/ls']);
    expect(messages).toEqual([]);
    expect(status).toBe(0);
  });

  it('hashes regular files with the chosen algorithm and prints link targets', async () => {
    const { lines } = await create(faultyFs(memTree(ROOT, SAMPLE)));
    expect(lines).toContain(
      '/etc/passwd F 42 100644 user::rw-,group::r--,mask:r--,other:r-- 6553f100 0 0 a6a3ababc89fa163ebcc8cf60392b2a1',
    );
    // memfs gives symlinks size 0, mode 120666 and no settable mtime; real trees: test/.
    expect(lines.find((l) => l.startsWith('/etc/localtime '))).toMatch(/^\/etc\/localtime L \d+ 120\d+ - [0-9a-f]+ 0 0 \.\.\/usr\/share\/zoneinfo\/UTC$/);
  });

  it('lists directories when a rules file names a subtree without file patterns', async () => {
    const { names } = await create(faultyFs(memTree(ROOT, SAMPLE)), '/etc\n');
    expect(names).toEqual(['/etc', '/etc/localtime', '/etc/motd\\040file', '/etc/passwd']);
  });

  it('prints overlapping subtrees once', async () => {
    const { names } = await create(faultyFs(memTree(ROOT, SAMPLE)), '/usr\n/usr/bin\n');
    expect(names).toEqual(['/usr', '/usr/bin', '/usr/bin/ls']);
  });

  it('reports an unreadable directory as bart does: no line for it or below it, exit 1', async () => {
    const fs = faultyFs(memTree(ROOT, SAMPLE), { unreadableDirs: [`${ROOT}/etc`] });
    const { names, messages, status } = await create(fs, '/\n');
    expect(names).not.toContain('/etc');
    expect(names.filter((n) => n!.startsWith('/etc'))).toEqual([]);
    expect(messages).toEqual([`WARNING: cannot list directory: ${ROOT}/etc\n`]);
    expect(status).toBe(1);
  });

  it('survives an entry that vanished between readdir and lstat', async () => {
    const fs = faultyFs(memTree(ROOT, SAMPLE), { vanished: [`${ROOT}/a0`] });
    const { names, messages, status } = await create(fs);
    expect(names).not.toContain('/a0');
    expect(messages).toEqual([`WARNING: unknown directory entry: ${ROOT}/a0\n`]);
    expect(status).toBe(1);
  });

  it('prints - for contents it cannot open, with perror text', async () => {
    const fs = faultyFs(memTree(ROOT, SAMPLE), { unopenable: [`${ROOT}/etc/passwd`] });
    const { lines, messages, status } = await create(fs);
    expect(lines.find((l) => l.startsWith('/etc/passwd '))!.endsWith(' -')).toBe(true);
    expect(messages).toEqual([`${ROOT}/etc/passwd: Permission denied\n`]);
    expect(status).toBe(1);
  });

  it('lists a mount point of another file-system type but does not enter it', async () => {
    const tree = { ...SAMPLE, 'proc/1/status': file('x') };
    const fs = faultyFs(memTree(ROOT, tree), { mounts: { [`${ROOT}/proc`]: { dev: 7, type: 'proc' } } });
    const { names } = await create(fs, '/\n');
    expect(names).toContain('/proc');
    expect(names.filter((n) => n!.startsWith('/proc/'))).toEqual([]);
  });

  it('enters a mount of the same file-system type', async () => {
    const tree = { ...SAMPLE, 'export/home/u': file('x') };
    const fs = faultyFs(memTree(ROOT, tree), { mounts: { [`${ROOT}/export`]: { dev: 8, type: 'tmpfs' } } });
    const { names } = await create(fs);
    expect(names).toContain('/export/home/u');
  });

  it('hashes nothing with -n', async () => {
    const { lines } = await create(faultyFs(memTree(ROOT, SAMPLE)), undefined, { computeChecksum: false });
    expect(lines.filter((l) => l.includes(' F ')).every((l) => l.endsWith(' -'))).toBe(true);
  });
});

describe('createFromList (-I)', () => {
  it('lists exactly the named entries, sorted, and reports missing ones', async () => {
    const lines: string[] = [];
    const messages: string[] = [];
    const status = await createFromList(options(faultyFs(memTree(ROOT, SAMPLE))), ['usr/bin/ls', 'etc', 'nope'], {
      text: (blocks) => void lines.push(...blocks.flatMap(linesOf)),
      message: (m) => void messages.push(m),
    });
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['/etc D', '/usr/bin/ls F']);
    expect(messages).toEqual([`${ROOT}/nope: No such file or directory\n`]);
    expect(status).toBe(1);
  });
});

describe('walk order', () => {
  it('equals a full bytewise sort of the same lines, without duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(memTreeArb, fc.integer({ min: 1, max: 5 }), async (nodes, donateEvery) => {
        // Jobs donating the later half of their work every few entries, as busy worker
        // threads do for idle ones: the pieces must join up to the same manifest.
        const fs = faultyFs(memTree(ROOT, nodes));
        const { lines } = await create(fs, '/\n', { inThreadTuning: { donateEvery } });
        expect(lines).toEqual((await create(fs, '/\n')).lines);
        expect(lines).toEqual([...new Set(lines)].sort());
        // Every entry is there (directories too, with a rules file).
        expect(lines.length).toBe(new Set(Object.keys(nodes).flatMap((p) => p.split('/').map((_, i, a) => a.slice(0, i + 1).join('/')))).size + 1);
      }),
      { numRuns: 200 },
    );
  });
});
