/**
 * Real directories from tree models (test/arbitraries/tree-mutations.ts), the built CLI run
 * on them, and the report bart's rules predict for two models (spec/bart.md §5.5, with
 * `preupd diff`'s default rules: CHECK all, IGNORE dirmtime).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lchownSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TreeModel, TreeNode } from './arbitraries/tree-mutations.js';

export const PREUPD = resolve(import.meta.dirname, '../bin/preupd');
export const isRootOnLinux = process.platform === 'linux' && process.getuid?.() === 0;

/** Root's own attributes, the same in every tree written here. */
const ROOT_MTIME = 1_600_000_000;

/** A fresh directory holding `model`, every attribute set as the model says. */
export function writeTree(model: TreeModel, parent: string): string {
  const root = mkdtempSync(join(parent, 't-'));
  const paths = [...model.keys()].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  for (const rel of paths) {
    const node = model.get(rel)!;
    const full = join(root, rel);
    if (node.kind === 'dir') mkdirSync(full);
    else if (node.kind === 'file') writeFileSync(full, node.content);
    else symlinkSync(node.target, full);
  }
  // Deepest first, so that no later write moves a directory's mtime.
  for (const rel of [...paths].reverse()) {
    const node = model.get(rel)!;
    const full = join(root, rel);
    if (node.kind === 'symlink') {
      lchownSync(full, node.uid, node.gid);
      lutimesSync(full, node.mtime, node.mtime);
    } else {
      chmodSync(full, node.perms);
      chownSync(full, node.uid, node.gid);
      utimesSync(full, node.mtime, node.mtime);
    }
  }
  chmodSync(root, 0o755);
  chownSync(root, 0, 0);
  utimesSync(root, ROOT_MTIME, ROOT_MTIME);
  return root;
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** bart's name escaping (spec/bart.md §2.4) of a string's UTF-8 bytes, as latin1 text. */
export function bartEscape(text: string): string {
  const bytes = Buffer.from(text, 'utf8').toString('latin1');
  return bytes.replace(/[ *\n?[\\\t]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

export const nameOf = (rel: string) => '/' + bartEscape(rel);

export interface JsonChange {
  name: string;
  change: 'added' | 'removed' | 'modified';
  attributes?: Record<string, { control: string; test: string }>;
}

const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
const TYPE = { file: 'F', dir: 'D', symlink: 'L' } as const;
const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000 } as const;

/** The fields of a node's manifest line; directory sizes come from the file system. */
function fieldsOf(node: TreeNode, full: string) {
  const perms = node.kind === 'symlink' ? 0o777 : node.perms;
  return {
    type: TYPE[node.kind],
    size: String(node.kind === 'file' ? Buffer.byteLength(node.content) : node.kind === 'symlink' ? Buffer.byteLength(node.target) : lstatSync(full).size),
    mode: (TYPE_BITS[node.kind] | perms).toString(8),
    // ext4/tmpfs: the POSIX-draft text built from the mode; symlinks have none (§2.3).
    acl: node.kind === 'symlink' ? '-' : `user::${rwx(perms >> 6)},group::${rwx(perms >> 3)},mask:${rwx(perms >> 3)},other:${rwx(perms)}`,
    mtime: node.mtime.toString(16),
    uid: String(node.uid),
    gid: String(node.gid),
    dest: node.kind === 'symlink' ? bartEscape(node.target) : '',
    contents: node.kind === 'file' ? createHash('md5').update(node.content).digest('hex') : '',
  };
}

/**
 * What `preupd diff --json --hash md5` must print for two trees written from these models,
 * by bart's evaluate_differences with CHECK all and IGNORE dirmtime. Sorted by name.
 */
export function expectedChanges(control: TreeModel, test: TreeModel, controlRoot: string, testRoot: string): JsonChange[] {
  const out: JsonChange[] = [];
  const names = new Set([...control.keys(), ...test.keys()]);
  const rootNode: TreeNode = { kind: 'dir', perms: 0o755, uid: 0, gid: 0, mtime: ROOT_MTIME };
  const pairs: Array<[string, TreeNode | undefined, TreeNode | undefined]> = [['', rootNode, rootNode]];
  for (const rel of names) pairs.push([rel, control.get(rel), test.get(rel)]);
  for (const [rel, c, t] of pairs) {
    const name = rel === '' ? '/' : nameOf(rel);
    if (!t) out.push({ name, change: 'removed' });
    else if (!c) out.push({ name, change: 'added' });
    else {
      const cf = fieldsOf(c, join(controlRoot, rel));
      const tf = fieldsOf(t, join(testRoot, rel));
      const attributes: Record<string, { control: string; test: string }> = {};
      const check = (attr: string, a: string, b: string) => {
        if (a !== b) attributes[attr] = { control: a, test: b };
      };
      check('type', cf.type, tf.type);
      check('size', cf.size, tf.size);
      check('mode', cf.mode, tf.mode);
      check('acl', cf.acl, tf.acl);
      // §5.5 step 5: same type F -> mtime, L -> lnmtime, D -> dirmtime (ignored); types differ -> mtime.
      if (cf.type !== tf.type || cf.type === 'F') check('mtime', cf.mtime, tf.mtime);
      else if (cf.type === 'L') check('lnmtime', cf.mtime, tf.mtime);
      check('uid', cf.uid, tf.uid);
      check('gid', cf.gid, tf.gid);
      check('dest', cf.dest, tf.dest);
      check('contents', cf.contents, tf.contents);
      if (Object.keys(attributes).length) out.push({ name, change: 'modified', attributes });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs a command; stdout and stderr as latin1 text (bart's bytes). */
export function runCommand(argv: readonly string[], opts: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, TZ: 'UTC', SOURCE_DATE_EPOCH: '1709613555' }, cwd: opts.cwd });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) =>
      resolvePromise({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status }),
    );
  });
}

export const preupd = (args: readonly string[]) => runCommand(['node', PREUPD, ...args]);

/** The records of `--json` output, sorted by name. */
export function parseJsonLines(stdout: string): JsonChange[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonChange)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
