/** In-memory trees for walker tests, built from literals (bootc's FILES habit). */
import fc from 'fast-check';
import { createFsFromVolume, Volume } from 'memfs';
import { walkFsOf, type FsModule, type WalkFs, type WalkStat } from '../src/walk/walk-fs.js';

export type Node =
  | { kind: 'file'; content: string; mode?: number }
  | { kind: 'dir'; mode?: number }
  | { kind: 'symlink'; target: string };

export const file = (content: string, mode = 0o644): Node => ({ kind: 'file', content, mode });
export const dir = (mode = 0o755): Node => ({ kind: 'dir', mode });
export const symlink = (target: string): Node => ({ kind: 'symlink', target });

type MemFs = FsModule & typeof import('node:fs');

/**
 * A memfs volume holding `nodes` (paths relative to `root`), all with mtime `epoch`; `into`
 * adds the tree to a volume made before.
 */
export function memTree(root: string, nodes: Record<string, Node>, epoch = 1700000000, into?: FsModule): FsModule {
  const fs = (into ?? createFsFromVolume(new Volume())) as MemFs;
  fs.mkdirSync(root, { recursive: true });
  for (const [rel, node] of Object.entries(nodes).sort(([a], [b]) => a.length - b.length)) {
    const path = `${root}/${rel}`;
    fs.mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    if (node.kind === 'dir') fs.mkdirSync(path, { recursive: true, mode: node.mode });
    else if (node.kind === 'file') fs.writeFileSync(path, node.content, { mode: node.mode });
    else fs.symlinkSync(node.target, path);
    if (node.kind !== 'symlink') fs.chmodSync(path, node.mode ?? 0o644);
  }
  const stamp = (p: string) => {
    if (!fs.lstatSync(p).isSymbolicLink()) fs.utimesSync(p, epoch, epoch);
    if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p) as string[]) stamp(`${p}/${n}`);
  };
  stamp(root);
  return fs;
}

/** A WalkFs over memfs, with hooks to make paths fail or to put them on another device. */
export function faultyFs(
  fs: FsModule,
  faults: { unreadableDirs?: string[]; vanished?: string[]; unopenable?: string[]; mounts?: Record<string, { dev: number; type: string }> } = {},
): WalkFs {
  const types = new Map<number, string>([[0, 'tmpfs']]);
  for (const m of Object.values(faults.mounts ?? {})) types.set(m.dev, m.type);
  const base = walkFsOf(fs, (dev) => types.get(dev) ?? 'unknown');
  const eacces = () => Object.assign(new Error('EACCES'), { code: 'EACCES' });
  return {
    ...base,
    readdir: (p) => {
      if (faults.unreadableDirs?.includes(p)) throw eacces();
      return base.readdir(p);
    },
    lstat: (p): WalkStat | undefined => {
      if (faults.vanished?.includes(p)) return undefined;
      const st = base.lstat(p);
      const mount = Object.entries(faults.mounts ?? {}).find(([m]) => p === m || p.startsWith(m + '/'));
      return st && mount ? { ...st, dev: mount[1].dev } : st;
    },
    open: (p) => {
      if (faults.unopenable?.includes(p)) throw eacces();
      return base.open(p);
    },
  };
}

// Names made of the bytes that decide bart's order: space and control bytes sort before
// '-', '.', '/', digits and letters (memfs only takes ASCII names).
const asciiNameArb = fc
  .array(fc.constantFrom('a', 'b', 'B', '-', '.', '0', '_', ' ', '\x01', '\x1f', '*', '~'), { minLength: 1, maxLength: 3 })
  .map((cs) => cs.join(''))
  .filter((n) => n !== '.' && n !== '..');

/** Adds `path` to `nodes` unless a parent is a file or it would have to be a directory. */
export function addNode(nodes: Record<string, Node>, path: string, node: Node): void {
  const segs = path.split('/');
  const prefixes = segs.slice(0, -1).map((_, i) => segs.slice(0, i + 1).join('/'));
  if (prefixes.some((p) => nodes[p] !== undefined && nodes[p].kind !== 'dir')) return;
  if (node.kind !== 'dir' && Object.keys(nodes).some((k) => k.startsWith(path + '/'))) return;
  nodes[path] ??= node;
}

/** Random small trees (up to 25 paths, three levels) of files (content = path) and directories. */
export const memTreeArb = fc
  .array(fc.tuple(fc.array(asciiNameArb, { minLength: 1, maxLength: 3 }), fc.boolean()), { minLength: 1, maxLength: 25 })
  .map((entries) => {
    const nodes: Record<string, Node> = {};
    for (const [segs, isDir] of entries) {
      const path = segs.join('/');
      addNode(nodes, path, isDir ? dir() : file(path));
    }
    return nodes;
  });
