// Builds the benchmark tree once and reuses it: a copy of /usr (~138k entries, ~5.6 GB here)
// plus the node_modules of a few large npm packages (many small files), until the tree has at
// least 200,000 entries and 5 GB (issue 2, item 7). It lives under /var/tmp so that it survives
// reboots of the session but never enters the repository.
//
// Run alone with `node native-bench/tree.mjs [--root DIR]`; run.mjs calls ensureTree().
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DEFAULT_ROOT = '/var/tmp/preupd-bench';
const MIN_ENTRIES = 200_000;
const MIN_BYTES = 5e9;
const MAX_BYTES = 8e9; // the disk is shared; a bigger tree buys nothing

// Pinned top-level versions; their dependencies may drift, which is why the counts are recorded.
// @mui/icons-material alone brings tens of thousands of small files, the shape that stresses a
// walker; aws-sdk, next and typescript bring larger files.
const NPM_PACKAGES = [
  '@mui/icons-material@9.6.0', '@mui/material@9.6.0', 'date-fns@4.4.0', 'lodash@4.18.1',
  'rxjs@7.8.2', 'core-js@3.51.0', 'typescript@7.0.2', 'aws-sdk@2.1693.0', 'next@16.5.0',
  '@babel/preset-env@8.0.7', 'webpack@5.113.0', 'jest@30.5.2', 'eslint@10.16.0',
];

// Changing the recipe invalidates a cached tree (compared as JSON with tree.json).
const RECIPE = { version: 1, copyOf: '/usr', npmPackages: NPM_PACKAGES, minEntries: MIN_ENTRIES };

function run(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) {
    const tail = String(r.stderr ?? r.error ?? '').trim().split('\n').slice(-5).join('\n');
    throw new Error(`${argv.join(' ')}: exit ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${tail}`);
  }
  return r.stdout.toString();
}

/**
 * Counts entries (the root included), the bytes of regular files under dir, and the entries
 * of its largest directory (preupd lists a directory as one job, so its size matters).
 */
export function countTree(dir) {
  const out = run(['find', dir, '-printf', '%y %s %h\\n']);
  let entries = 0, bytes = 0, files = 0;
  const perDir = new Map();
  for (const line of out.split('\n')) {
    if (!line) continue;
    entries++;
    const [type, size] = line.split(' ', 2);
    if (type === 'f') { files++; bytes += Number(size); }
    const parent = line.slice(type.length + size.length + 2);
    perDir.set(parent, (perDir.get(parent) ?? 0) + 1);
  }
  perDir.delete(dir.replace(/\/$/, '').replace(/\/[^/]*$/, '') || '/'); // the root's own parent
  let largestDir = 0;
  for (const n of perDir.values()) largestDir = Math.max(largestDir, n);
  return { entries, files, bytes, largestDir };
}

function installNodeModules(root, log) {
  const project = join(root, 'npm');
  if (existsSync(join(project, 'node_modules', '.package-lock.json')) && existsSync(join(project, 'done.json'))) {
    const done = JSON.parse(readFileSync(join(project, 'done.json'), 'utf8'));
    if (JSON.stringify(done.packages) === JSON.stringify(NPM_PACKAGES)) return join(project, 'node_modules');
  }
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'preupd-bench-tree', private: true }) + '\n');
  log(`npm install of ${NPM_PACKAGES.length} packages into ${project} (scripts off) ...`);
  run(['npm', 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error',
    '--cache', join(root, 'npm-cache'), ...NPM_PACKAGES], { cwd: project });
  writeFileSync(join(project, 'done.json'), JSON.stringify({ packages: NPM_PACKAGES }) + '\n');
  return join(project, 'node_modules');
}

function buildTree(root, tree, log) {
  const partial = `${tree}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const nodeModules = installNodeModules(root, log);
  log(`copying ${RECIPE.copyOf} ...`);
  run(['cp', '-a', RECIPE.copyOf, join(partial, 'usr')]);
  const parts = { usr: countTree(join(partial, 'usr')) };
  // One copy of node_modules at least; more only if /usr was too small to reach the entry count.
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'node_modules' : `node_modules.${i}`;
    log(`copying node_modules to ${name} ...`);
    run(['cp', '-a', nodeModules, join(partial, name)]);
    parts[name] = countTree(join(partial, name));
    const total = countTree(partial);
    if (total.bytes > MAX_BYTES) throw new Error(`tree would exceed ${MAX_BYTES / 1e9} GB (${total.bytes} bytes)`);
    if (total.entries >= MIN_ENTRIES && total.bytes >= MIN_BYTES) break;
    if (i >= 8) throw new Error(`tree still too small after ${i} copies: ${JSON.stringify(total)}`);
  }
  renameSync(partial, tree);
  return parts;
}

/**
 * Returns { tree, entries, files, bytes, parts, builtAt }, building the tree first when it is
 * missing, incomplete (no tree.json, which is written last) or built from another recipe.
 */
export function ensureTree(root = DEFAULT_ROOT, log = (m) => console.error(m)) {
  const tree = join(root, 'tree');
  const statePath = join(root, 'tree.json');
  if (existsSync(statePath) && existsSync(tree)) {
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    if (JSON.stringify(state.recipe) === JSON.stringify(RECIPE)) return state;
    log('tree recipe changed: rebuilding');
  }
  rmSync(statePath, { force: true });
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const started = Date.now();
  const parts = buildTree(root, tree, log);
  const state = { tree, recipe: RECIPE, ...countTree(tree), parts, builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000) };
  writeFileSync(statePath, JSON.stringify(state, null, 2) + '\n');
  log(`tree ready: ${state.entries} entries, ${(state.bytes / 1e9).toFixed(2)} GB in ${state.buildSeconds} s`);
  return state;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--root');
  const state = ensureTree(i > 0 ? process.argv[i + 1] : DEFAULT_ROOT);
  console.log(JSON.stringify(state, null, 2));
}
