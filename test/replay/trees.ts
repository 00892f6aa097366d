/**
 * Four-root scenarios on real temporary directories, built from literals (spec/style.md
 * "Tests"): `tree({ 'etc/hosts': file('127.0.0.1 box\n') })`. Names are byte strings.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsPath } from '../../src/walk/walk-fs.js';

export type Node =
  | { kind: 'file'; content: string; mode: number; mtime: number; uid?: number; gid?: number }
  | { kind: 'dir'; mode: number; uid?: number; gid?: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'hardlink'; to: string }
  | { kind: 'fifo'; mode?: number; mtime?: number; uid?: number; gid?: number }
  | { kind: 'device'; type: 'b' | 'c'; major: number; minor: number; mode: number; mtime: number; uid?: number; gid?: number };
export type Tree = Record<string, Node>;

export const EPOCH = 1_700_000_000;
export const file = (content: string, opts: { mode?: number; mtime?: number; uid?: number; gid?: number } = {}): Node => ({
  kind: 'file', content, mode: opts.mode ?? 0o644, mtime: opts.mtime ?? EPOCH, ...(opts.uid === undefined ? {} : { uid: opts.uid }), ...(opts.gid === undefined ? {} : { gid: opts.gid }),
});
export const dir = (mode = 0o755, owner: { uid?: number; gid?: number } = {}): Node => ({ kind: 'dir', mode, ...owner });
export const symlink = (target: string): Node => ({ kind: 'symlink', target });
export const hardlink = (to: string): Node => ({ kind: 'hardlink', to });
/** Without options: what mkfifo makes (0666 less the umask, the caller's, now). */
export const fifo = (opts: { mode?: number; mtime?: number; uid?: number; gid?: number } = {}): Node => ({ kind: 'fifo', ...opts });
/** A block (`b`) or character (`c`) device node, made with mknod (tests run as root). */
export const device = (type: 'b' | 'c', major: number, minor: number, opts: { mode?: number; mtime?: number; uid?: number; gid?: number } = {}): Node => ({
  kind: 'device', type, major, minor, mode: opts.mode ?? 0o600, mtime: opts.mtime ?? EPOCH, ...(opts.uid === undefined ? {} : { uid: opts.uid }), ...(opts.gid === undefined ? {} : { gid: opts.gid }),
});

export function tempDir(prefix = 'preupd-replay-'): string {
  return fs.mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `tree` below `root` (created); parents first, hard links last. */
export function writeTree(root: string, tree: Tree): void {
  fs.mkdirSync(root, { recursive: true });
  const at = (rel: string) => fsPath(`${root}/${rel}`);
  const entries = Object.entries(tree).sort(([a, x], [b, y]) => Number(x.kind === 'hardlink') - Number(y.kind === 'hardlink') || a.split('/').length - b.split('/').length);
  for (const [rel, node] of entries) {
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    if (parent) fs.mkdirSync(at(parent), { recursive: true });
    if (node.kind === 'dir') fs.mkdirSync(at(rel), { recursive: true });
    else if (node.kind === 'file') fs.writeFileSync(at(rel), Buffer.from(node.content, 'latin1'));
    else if (node.kind === 'symlink') fs.symlinkSync(fsPath(node.target), at(rel));
    else if (node.kind === 'fifo' || node.kind === 'device') {
      // Made under an ASCII name, then renamed: argv cannot carry a name's bytes that are not UTF-8.
      const made = node.kind === 'fifo'
        ? spawnSync('mkfifo', [`${root}/.tree-node`])
        : spawnSync('mknod', [`${root}/.tree-node`, node.type, String(node.major), String(node.minor)]);
      if (made.status !== 0) throw new Error(`making ${rel} failed: ${made.stderr.toString()}`);
      fs.renameSync(`${root}/.tree-node`, at(rel));
    } else fs.linkSync(at(node.to), at(rel));
    if (node.kind === 'file' || node.kind === 'dir' || node.kind === 'device' || (node.kind === 'fifo' && node.mode !== undefined)) {
      fs.lchownSync(at(rel), node.uid ?? 0, node.gid ?? 0);
      fs.chmodSync(at(rel), node.mode!);
    }
    if (node.kind === 'file' || node.kind === 'device' || (node.kind === 'fifo' && node.mtime !== undefined)) fs.utimesSync(at(rel), node.mtime!, node.mtime!);
  }
}

/** One line per entry below `root`: type, mode, owner, and content, link target or file mtime. Directory mtimes are left out (R10). */
export function describeTree(root: string, skip: readonly string[] = ['var/preupd', 'var/pkg']): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(fsPath(`${root}${rel}`), { encoding: 'latin1' }) as unknown as string[]) {
      const path = `${rel}/${name}`;
      if (skip.includes(path.slice(1))) continue;
      const st = fs.lstatSync(fsPath(`${root}${path}`));
      const head = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) out[path] = `L -> ${fs.readlinkSync(fsPath(`${root}${path}`), { encoding: 'latin1' })}`;
      else if (st.isFIFO()) out[path] = `P ${head}`;
      // st_rdev as lstat gives it (never opened: a device read could block or read a disk).
      else if (st.isBlockDevice() || st.isCharacterDevice()) out[path] = `${st.isBlockDevice() ? 'B' : 'C'} ${head} rdev ${st.rdev.toString(16)} @${Math.floor(st.mtimeMs / 1000)}`;
      else if (st.isDirectory()) {
        out[path] = `D ${head}`;
        visit(path);
      } else out[path] = `F ${head} @${Math.floor(st.mtimeMs / 1000)} ${fs.readFileSync(fsPath(`${root}${path}`), 'latin1')}`;
    }
  };
  visit('');
  return out;
}

/** A fresh copy of update to apply to, as a clone would be (`cp -a`: modes, owners, mtimes, links, any bytes in names). */
export function cloneTree(from: string, to: string): void {
  const run = spawnSync('cp', ['-a', `${from}/.`, to]);
  if (run.status !== 0) throw new Error(`cp -a failed: ${run.stderr.toString()}`);
}
