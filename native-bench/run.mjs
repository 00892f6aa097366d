#!/usr/bin/env node
// `npm run bench`: preupd manifest create against find/xxhsum/hashdeep/mtree on a 200k-entry,
// 5 GB tree, as median ratios of interleaved, freshly warmed runs (issue 2, item 7).
// Installs nothing: it names the Debian packages to install when a tool is missing.
//
//   node native-bench/run.mjs [--tree DIR] [--pairs N] [--only a1,a2,b1,b2,b3,b4,rss]
//                             [--quick] [--preupd PATH] [--results FILE]
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchCommands, requireTools, timeCommand, warmTree } from './measure.mjs';
import { formatResults, writeResults } from './report.mjs';
import { smokeCheck } from './smoke.mjs';
import { DEFAULT_ROOT, countTree, ensureTree } from './tree.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ALL = ['a1', 'a2', 'b1', 'b2', 'b3', 'b4', 'rss'];
const BASELINE_OF = { B1: 'A1', B2: 'A2', B3: 'A1', B4: 'A1' }; // each baseline against its preupd run
const QUICK_SUBTREE = 'usr/include'; // ~9k entries, 0.1 GB
// Subtrees of the default tree for the memory-growth line (entries grow ~25× from first to last).
const SCALING_SUBTREES = ['usr/include', 'usr/share', 'node_modules', 'usr', '.'];

const { values: opt } = parseArgs({ options: {
  tree: { type: 'string' }, pairs: { type: 'string' }, only: { type: 'string' }, quick: { type: 'boolean' },
  preupd: { type: 'string' }, results: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} });
if (opt.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(5, 7).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}
const log = (m) => console.error(`[bench] ${m}`);
const only = (opt.only ?? ALL.join(',')).toLowerCase().split(',').filter(Boolean);
const unknown = only.filter((o) => !ALL.includes(o));
if (unknown.length) { log(`unknown --only ${unknown.join(',')}; known: ${ALL.join(',')}`); process.exit(2); }
const pairs = Number(opt.pairs ?? (opt.quick ? 1 : 5));
if (!(pairs >= 1)) { log('--pairs must be a number ≥ 1'); process.exit(2); }
const ids = only.filter((o) => o !== 'rss').map((o) => o.toUpperCase());

function preupdArgvOf(path) {
  try { accessSync(path, constants.X_OK); return [path]; } catch { return [process.execPath, path]; }
}
const preupdPath = resolve(opt.preupd ?? join(HERE, '..', 'bin', 'preupd'));
const preupdArgv = preupdArgvOf(preupdPath);

// Tools first: a missing one should cost the user seconds, not a tree build.
const needs = new Set(['time', 'tar', 'find']);
const probe = benchCommands('/', preupdArgv);
for (const id of ids) for (const t of probe[id].tools) needs.add(t);
if (ids.includes('A1')) needs.add('xxhsum'); // the smoke check compares hashes with it
requireTools([...needs], log);
const usesPreupd = ids.some((id) => id.startsWith('A')) || only.includes('rss');
if (usesPreupd && !existsSync(preupdPath)) { log(`no preupd at ${preupdPath} (--preupd PATH)`); process.exit(2); }

// The tree: the cached default one, a subtree of it for --quick, or --tree as given.
let tree;
const defaultTree = !opt.tree;
if (defaultTree) {
  const state = ensureTree(DEFAULT_ROOT, log);
  tree = opt.quick ? { path: join(state.tree, QUICK_SUBTREE), ...countTree(join(state.tree, QUICK_SUBTREE)) }
    : { path: state.tree, entries: state.entries, files: state.files, bytes: state.bytes };
} else {
  const path = resolve(opt.tree);
  tree = { path, ...countTree(opt.quick ? join(path, '.') : path) };
}
const cmds = benchCommands(tree.path, preupdArgv);
const logDir = join(DEFAULT_ROOT, 'logs');
const run = { date: new Date().toISOString(), tree, warmSeconds: [], loads: [], comparisons: [], solos: [], scaling: [], problems: [],
  machine: machineFacts(), preupd: { path: preupdPath, commit: gitCommit(preupdPath) }, versions: toolVersions() };
const started = Date.now();
// Only a complete run on the default tree replaces the committed RESULTS.md.
const complete = defaultTree && !opt.quick && only.length === ALL.length && pairs >= 3;
const resultsFile = opt.results ?? (complete ? join(HERE, 'RESULTS.md') : join(DEFAULT_ROOT, 'RESULTS-last.md'));

/** Writes what has been measured so far; a run stopped midway still leaves its finished parts. */
function save(partial) {
  run.totalSeconds = (Date.now() - started) / 1000;
  run.machine.loadEnd = loadavg().map((x) => x.toFixed(1)).join(' ');
  const text = formatResults(run) + (partial ? '\n_(partial: the run was still going when this was written)_\n' : '');
  writeResults(resultsFile, text);
  return text;
}

let seq = 0;
function measure(id, dir = tree.path, what = id) {
  const warm = warmTree(dir);
  run.warmSeconds.push(warm);
  run.loads.push(loadavg()[0]);
  const cmd = dir === tree.path ? cmds[id] : benchCommands(dir, preupdArgv)[id];
  const r = timeCommand(cmd, dir, logDir, `${String(++seq).padStart(3, '0')}-${id}`);
  log(`${what}: ${r.seconds.toFixed(2)} s, ${Math.round(r.rssMB)} MB (warm ${warm.toFixed(1)} s)` +
    (r.status !== 0 || r.stderrLines ? ` exit ${r.status ?? r.signal}, ${r.stderrLines} stderr lines: ${r.stderrTail.join(' | ')}` : ''));
  if (r.status !== 0 || (id.startsWith('A') && r.stderrLines)) {
    run.problems.push(`${id} (${cmd.label}) on ${dir}: exit ${r.status ?? r.signal}, ${r.stderrLines} stderr lines, ` +
      `last: ${r.stderrTail.join(' | ') || '(none)'} (log ${r.log})`);
  }
  return r;
}

if (usesPreupd) {
  const smokeDir = defaultTree ? join(DEFAULT_ROOT, 'tree', QUICK_SUBTREE) : tree.path;
  const smoke = smokeCheck(preupdArgv, smokeDir);
  run.smoke = smoke.text;
  log(`smoke: ${smoke.text}`);
  if (!smoke.ok) run.problems.push(`smoke check failed: ${smoke.text}`);
}

// Interleaved pairs: warm, A, warm, B, warm, A, ... so drift hits both sides alike.
const paired = new Set();
for (const b of ids.filter((id) => BASELINE_OF[id])) {
  const a = BASELINE_OF[b];
  if (!ids.includes(a)) continue;
  paired.add(a).add(b);
  const c = { a, b, labelB: cmds[b].label, pairs: [] };
  for (let i = 1; i <= pairs; i++) {
    const ra = measure(a, tree.path, `${a} vs ${b} pair ${i}/${pairs}: ${a}`);
    const rb = measure(b, tree.path, `${a} vs ${b} pair ${i}/${pairs}: ${b}`);
    c.pairs.push({ a: ra, b: rb });
  }
  run.comparisons.push(c);
  save(true);
}
for (const id of ids.filter((x) => !paired.has(x))) {
  const s = { id, label: cmds[id].label, runs: [] };
  for (let i = 1; i <= pairs; i++) s.runs.push(measure(id, tree.path, `${id} run ${i}/${pairs}`));
  run.solos.push(s);
  save(true);
}

// Memory growth: one A1 and one A2 run per subtree (RSS varies little between runs).
if (only.includes('rss')) {
  const subtrees = defaultTree && !opt.quick ? SCALING_SUBTREES : ['.'];
  const base = defaultTree && !opt.quick ? join(DEFAULT_ROOT, 'tree') : tree.path;
  for (const sub of subtrees) {
    const dir = sub === '.' ? base : join(base, sub);
    const { entries, largestDir } = countTree(dir);
    const point = { name: sub === '.' ? '(whole tree)' : sub, entries, largestDir };
    for (const id of ['A1', 'A2']) point[id] = measure(id, dir, `rss ${point.name} ${id}`).rssMB;
    run.scaling.push(point);
    save(true);
  }
}

const text = save(false);
console.log(text);
log(`results written to ${resultsFile}`);

function machineFacts() {
  return { nproc: spawnSync('nproc', { encoding: 'utf8' }).stdout.trim(), cpu: cpus()[0]?.model ?? '?',
    memGiB: (totalmem() / 2 ** 30).toFixed(1), kernel: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(),
    loadStart: loadavg().map((x) => x.toFixed(1)).join(' ') };
}

function gitCommit(path) {
  const dir = dirname(path);
  const head = spawnSync('git', ['-C', dir, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout.trim();
  return head ? `\`${head.slice(0, 60)}\`${dirty ? ' (with uncommitted changes)' : ''}` : '(not a git checkout)';
}

function toolVersions() {
  const first = (argv) => {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '?';
  };
  const deb = (pkg) => spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' }).stdout.trim() || '?';
  return [first(['xxhsum', '--version']).replace(/ by .*/, ''), `hashdeep ${first(['hashdeep', '-V'])}`,
    `mtree-netbsd ${deb('mtree-netbsd')}`, first(['find', '--version']), first(['tar', '--version']),
    `GNU time ${deb('time')}`];
}
