// The two trees of the diff benchmark (issue 3, item 5). control = the shared benchmark tree
// of tree.mjs, read only (never modified here); test = a full copy of it (`cp -a`, so new
// inodes: no same-file shortcut applies) with about 0.5 % of its paths changed in five ways:
// contents (same size), contents (new size), chmod, chown, mtime only, plus added and deleted
// files. The copy is made once and reused; diff-trees.json (written last) lists the mutations.
//
// Run alone with `node native-bench/diff-trees.mjs`; diff.mjs calls ensureDiffTrees().
import { spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_ROOT, ensureTree } from './tree.mjs';

export const DIFF_ROOT = join(DEFAULT_ROOT, 'diff');
const SHARE = 0.005;
// Changing the recipe rebuilds the test tree.
const RECIPE = { version: 1, share: SHARE, seed: 20261204, kinds: ['contentSameSize', 'contentNewSize', 'chmod', 'chown', 'mtime', 'add', 'delete'] };

/** mulberry32: a small seeded PRNG, so that the same paths are chosen on every build. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}\n${String(r.stderr).slice(-500)}`);
  return r.stdout;
}

/** Regular files (relative paths, plain names only) of a tree, sorted for a stable pick. */
function regularFiles(tree) {
  return run(['find', tree, '-type', 'f', '-size', '-16M', '-printf', '%P\\n']).toString('latin1').split('\n')
    .filter((p) => p && !/[\s*?[\\]/.test(p)).sort();
}

/** Applies the mutations to `tree` and returns them as { kind, path } records. */
function mutate(tree, entries, log) {
  const random = prng(RECIPE.seed);
  const files = regularFiles(tree);
  const perKind = Math.round((entries * SHARE) / RECIPE.kinds.length);
  const taken = new Set();
  const pick = () => {
    for (;;) {
      const p = files[Math.floor(random() * files.length)];
      if (!taken.has(p)) { taken.add(p); return p; }
    }
  };
  const mutations = [];
  for (const kind of RECIPE.kinds) {
    for (let i = 0; i < perKind; i++) {
      if (kind === 'add') {
        const dir = pick().split('/').slice(0, -1).join('/');
        const path = `${dir}${dir ? '/' : ''}preupd-bench-added-${i}`;
        writeFileSync(join(tree, path), `added ${i}\n`.repeat(1 + (i % 50)));
        mutations.push({ kind, path });
        continue;
      }
      const path = pick();
      const full = join(tree, path);
      const st = statSync(full);
      if (kind === 'contentSameSize') {
        const buf = readFileSync(full);
        if (buf.length === 0) { i--; continue; }
        buf[buf.length >> 1] ^= 0xff;
        writeFileSync(full, buf);
        // Same size and the old mtime: only a hash can see it (rsync -n without -c cannot).
        utimesSync(full, st.atime, st.mtime);
      } else if (kind === 'contentNewSize') {
        writeFileSync(full, Buffer.concat([readFileSync(full), Buffer.from('preupd bench\n')]));
      } else if (kind === 'chmod') {
        chmodSync(full, (st.mode & 0o7777) ^ 0o004);
      } else if (kind === 'chown') {
        chownSync(full, st.uid + 1000, st.gid);
      } else if (kind === 'mtime') {
        utimesSync(full, st.atime, new Date(st.mtimeMs - 86_400_000));
      } else if (kind === 'delete') {
        rmSync(full);
      }
      mutations.push({ kind, path });
    }
    log(`mutated ${perKind} paths: ${kind}`);
  }
  return mutations;
}

/** Returns { control, test, entries, mutations }, copying and mutating the test tree when needed. */
export function ensureDiffTrees(log = (m) => console.error(m)) {
  const base = ensureTree(DEFAULT_ROOT, log);
  const test = join(DIFF_ROOT, 'test');
  const statePath = join(DIFF_ROOT, 'diff-trees.json');
  if (existsSync(statePath) && existsSync(test)) {
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    if (JSON.stringify(state.recipe) === JSON.stringify(RECIPE) && state.controlBuiltAt === base.builtAt) return state;
    log('diff trees: recipe or control tree changed, rebuilding the test tree');
  }
  rmSync(statePath, { force: true });
  rmSync(test, { recursive: true, force: true });
  mkdirSync(DIFF_ROOT, { recursive: true });
  const partial = `${test}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`copying ${base.tree} to ${partial} (cp -a: same metadata, new inodes) ...`);
  run(['cp', '-a', base.tree, partial]);
  if (!lstatSync(partial).isDirectory()) throw new Error(`${partial} is not a directory`);
  const mutations = mutate(partial, base.entries, log);
  renameSync(partial, test);
  const state = { control: base.tree, test, recipe: RECIPE, controlBuiltAt: base.builtAt, entries: base.entries,
    files: base.files, bytes: base.bytes, mutations, builtAt: new Date().toISOString() };
  writeFileSync(statePath, JSON.stringify(state, null, 1) + '\n');
  log(`diff trees ready: ${mutations.length} mutated paths of ${base.entries}`);
  return state;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const state = ensureDiffTrees();
  console.log(JSON.stringify({ ...state, mutations: state.mutations.length }, null, 2));
}
