#!/usr/bin/env node
// `preupd diff` against rsync -n, diff -rq and mtree on two trees of ~230,000 entries that
// differ in 0.5 % of their paths, plus `manifest compare` of saved manifests and of a generated
// 1,000,000-line pair (issue 3, item 5). Writes native-bench/RESULTS-diff.md.
//
//   node native-bench/diff.mjs [--pairs N] [--prepare-only] [--preupd PATH]
//
// The trees: control = the shared benchmark tree of tree.mjs, read only (never modified here);
// test = a full copy of it (`cp -a`, so new inodes: no same-file shortcut applies, and the
// default mode reads every pair of regular files of equal size, as rsync -c hashes every such pair) with about 0.5 % of its paths changed:
// contents (same size and mtime), contents (new size), chmod, chown, mtime only, added and
// deleted files. The copy is made once and reused; diff/diff-trees.json (written last) lists the
// mutations.
import { spawnSync } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, loadavg, totalmem } from 'node:os';
import { requireTools, timeCommand, warmTree } from './measure.mjs';
import { median } from './report.mjs';
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
        // Node sets times to the millisecond: files whose mtime had a finer part keep a
        // slightly different mtime, and --quick hashes those (RESULTS-diff.md, notes).
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
  // The shared tree as it is: rebuilding it (ensureTree does when its recipe changed) could
  // pull it from under another benchmark, so ensureTree runs only when there is none yet.
  const sharedState = join(DEFAULT_ROOT, 'tree.json');
  const base = existsSync(sharedState) ? JSON.parse(readFileSync(sharedState, 'utf8')) : ensureTree(DEFAULT_ROOT, log);
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

// ---------------------------------------------------------------------------------------------
// Measuring.

const HERE = dirname(fileURLToPath(import.meta.url));
const NOTES_MARKER = '<!-- Notes: written by hand; diff.mjs keeps everything from this line on. -->';
const log = (m) => console.error(`[bench-diff] ${m}`);

/** The measured commands, as argv (a shell only where a pipeline or redirect is needed). */
function commands(control, test, preupd, files) {
  const sh = (script, label, ...args) => ({ label, argv: ['sh', '-c', script, 'sh', ...args] });
  return {
    D1: { label: 'preupd diff', argv: [...preupd, 'diff', control, test] },
    D2: { label: 'preupd diff --quick', argv: [...preupd, 'diff', '--quick', control, test] },
    R1: { label: 'rsync -rlpgoDn --delete -i -c', argv: ['rsync', '-rlpgoDn', '--delete', '-i', '-c', `${test}/`, `${control}/`] },
    R2: { label: 'rsync -rlpgoDn --delete -i', argv: ['rsync', '-rlpgoDn', '--delete', '-i', `${test}/`, `${control}/`] },
    X1: { label: 'diff -rq', argv: ['diff', '-rq', '--no-dereference', control, test] },
    // The issue's prototype was measured against this: one process lists both trees' metadata.
    F1: { label: 'find control test -printf (lstat fields)', argv: ['find', control, test, '-printf', '%p %y %s %T@ %m %U %G %l\\n'] },
    M1: sh('mtree -c -k type,size,mode,uid,gid,time,link,md5 -p "$1" > "$3" && mtree -f "$3" -p "$2"',
      'mtree -c (spec of control) + mtree -f spec -p test', control, test, files.mtreeSpec),
    P1: { label: 'preupd manifest compare (two saved manifests)', argv: [...preupd, 'manifest', 'compare', files.controlManifest, files.testManifest] },
    G1: { label: 'preupd manifest compare (generated 1M-line pair)', argv: [...preupd, 'manifest', 'compare', files.bigControl, files.bigTest] },
  };
}

// Baseline -> the preupd run it is paired with, and the target on the median ratio.
const PAIRS = [
  { a: 'D1', b: 'R1', target: 0.8, text: '≤ 0.8×' },
  { a: 'D2', b: 'R2', target: 0.6, text: '≤ 0.6×' },
  { a: 'D2', b: 'F1', text: '(reference: the prototype behind the 0.6× target reached 1.1×)' },
  { a: 'D1', b: 'X1', text: '(reference)' },
  { a: 'D1', b: 'M1', text: '(reference)' },
];

/** A 1,000,000-line manifest pair in bart order differing in 0.5 % of lines (changed, added, deleted). */
function generateBigPair(dir, header) {
  const control = join(dir, 'big-control.manifest');
  const test = join(dir, 'big-test.manifest');
  if (existsSync(control) && existsSync(test)) return { bigControl: control, bigTest: test };
  const acl = 'user::rw-,group::r--,mask:r--,other:r--';
  const random = prng(7);
  const hex16 = () => Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0') + Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  const c = [header];
  const t = [header];
  for (let i = 0; i < 1_000_000; i++) {
    const name = `/d${String(Math.floor(i / 1000)).padStart(4, '0')}/file${String(i).padStart(7, '0')}`;
    const size = 100 + (i % 5000);
    const line = `${name} F ${size} 100644 ${acl} 65e6a1f3 0 3 ${hex16()}`;
    c.push(line);
    const r = random();
    if (r < 0.001) continue; // deleted
    if (r < 0.002) t.push(`${name} F ${size + 1} 100644 ${acl} 65e6af68 0 3 ${hex16()}`); // rewritten
    else if (r < 0.003) t.push(line.replace(' 100644 ', ' 100600 ').replace(acl, 'user::rw-,group::---,mask:---,other:---'));
    else if (r < 0.004) t.push(line.replace(' 0 3 ', ' 101 3 '));
    else t.push(line);
    if (r >= 0.004 && r < 0.005) t.push(`${name}a F 10 100644 ${acl} 65e6af68 0 3 ${hex16()}`); // added
  }
  writeFileSync(control + '.partial', c.join('\n') + '\n');
  writeFileSync(test + '.partial', t.join('\n') + '\n');
  renameSync(control + '.partial', control);
  renameSync(test + '.partial', test);
  return { bigControl: control, bigTest: test };
}

/** Runs preupd once without timing and checks what it reports against the mutation list. */
function correctness(state, preupd) {
  const r = spawnSync(preupd[0], [...preupd.slice(1), 'diff', '--json', state.control, state.test], { maxBuffer: 1 << 28, encoding: 'latin1' });
  const records = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const byName = new Map(records.map((x) => [x.name, x]));
  const want = { contentSameSize: ['contents'], contentNewSize: ['size', 'mtime', 'contents'], chmod: ['mode', 'acl'], chown: ['uid'],
    mtime: ['mtime'], add: 'added', delete: 'removed' };
  const wrong = [];
  for (const m of state.mutations) {
    const got = byName.get(`/${m.path}`);
    const w = want[m.kind];
    const ok = typeof w === 'string' ? got?.change === w : got?.change === 'modified' && JSON.stringify(Object.keys(got.attributes)) === JSON.stringify(w);
    if (!ok) wrong.push(`${m.kind} /${m.path}: ${JSON.stringify(got)}`);
  }
  const mutated = new Set(state.mutations.map((m) => `/${m.path}`));
  const extra = records.filter((x) => !mutated.has(x.name));
  const quick = spawnSync(preupd[0], [...preupd.slice(1), 'diff', '--quick', '--json', state.control, state.test], { maxBuffer: 1 << 28, encoding: 'latin1' });
  const quickNames = new Set(quick.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l).name));
  const quickMissed = state.mutations.filter((m) => !quickNames.has(`/${m.path}`)).map((m) => m.kind);
  return { status: r.status, stderr: r.stderr.trim().split('\n').filter(Boolean).slice(-3), reported: records.length,
    mutations: state.mutations.length, wrong, extra: extra.map((x) => `${x.name} ${JSON.stringify(x.attributes ?? x.change)}`),
    quickReported: quickNames.size, quickMissed: Object.entries(quickMissed.reduce((a, k) => ({ ...a, [k]: (a[k] ?? 0) + 1 }), {})) };
}

function toolVersion(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '?';
}

async function main() {
  const { values: opt } = parseArgs({ options: {
    pairs: { type: 'string' }, 'prepare-only': { type: 'boolean' }, preupd: { type: 'string' }, smoke: { type: 'boolean' },
  } });
  requireTools(['time', 'tar', 'find', 'rsync', 'diff', 'mtree'], log);
  let state = ensureDiffTrees(log);
  if (opt['prepare-only']) return;
  if (opt.smoke) {
    // A check of this script, not a result: one repetition on usr/include of both trees.
    const sub = 'usr/include';
    state = { ...state, control: join(state.control, sub), test: join(state.test, sub),
      mutations: state.mutations.filter((m) => m.path.startsWith(sub + '/')).map((m) => ({ ...m, path: m.path.slice(sub.length + 1) })) };
  }
  const pairs = Number(opt.pairs ?? (opt.smoke ? 1 : 3));
  const preupdPath = resolve(opt.preupd ?? join(HERE, '..', 'bin', 'preupd'));
  const preupd = [process.execPath, preupdPath];
  const work = join(DIFF_ROOT, opt.smoke ? 'work-smoke' : 'work');
  mkdirSync(work, { recursive: true });
  const logDir = join(DIFF_ROOT, 'logs');
  const controlManifest = join(work, 'control.manifest');
  const testManifest = join(work, 'test.manifest');
  // Saved manifests made with the rules diff uses by default, so P1 compares what D1 compares.
  const rules = join(work, 'everything.rules');
  writeFileSync(rules, '/\nCHECK all\nIGNORE dirmtime\n');
  for (const [tree, out] of [[state.control, controlManifest], [state.test, testManifest]]) {
    log(`manifest create -r everything.rules -R ${tree} (untimed) ...`);
    const r = spawnSync(preupd[0], [...preupd.slice(1), 'manifest', 'create', '-r', rules, '-R', tree, '-o', out], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`manifest create of ${tree}: exit ${r.status}`);
  }
  const header = readFileSync(controlManifest, 'latin1').split('\n').filter((l) => l.startsWith('!') || l.startsWith('#')).join('\n');
  const files = { controlManifest, testManifest, mtreeSpec: join(work, 'control.mtree'), ...generateBigPair(work, header) };
  const cmds = commands(state.control, state.test, preupd, files);

  log('correctness check (untimed) ...');
  const check = correctness(state, preupd);
  log(`preupd diff: ${check.reported} records for ${check.mutations} mutations, ${check.wrong.length} wrong, ${check.extra.length} extra`);

  const run = { date: new Date().toISOString(), loadStart: loadavg().map((x) => x.toFixed(1)).join(' '), samples: {}, warm: [] };
  let seq = 0;
  const measure = (id, warmTrees) => {
    let warm = 0;
    for (const t of warmTrees) warm += warmTree(t);
    run.warm.push(warm);
    const r = timeCommand(cmds[id], state.control, logDir, `${String(++seq).padStart(3, '0')}-${id}`);
    log(`${id} ${cmds[id].label}: ${r.seconds.toFixed(2)} s, ${Math.round(r.rssMB)} MB, exit ${r.status} (warm ${warm.toFixed(1)} s)`);
    (run.samples[id] ??= []).push(r);
    return r;
  };
  const trees = [state.control, state.test];
  // Interleaved: D1 R1 D2 R2 F1 X1 M1, repeated; each run starts after both trees were read.
  for (let i = 0; i < pairs; i++) {
    for (const id of ['D1', 'R1', 'D2', 'R2', 'F1', 'X1', 'M1']) measure(id, trees);
    for (const id of ['P1', 'G1']) measure(id, [files.controlManifest, files.testManifest, files.bigControl, files.bigTest]);
  }
  run.loadEnd = loadavg().map((x) => x.toFixed(1)).join(' ');
  writeFileSync(join(DIFF_ROOT, opt.smoke ? 'smoke-run.json' : 'last-run.json'), JSON.stringify({ run, check }, null, 1));
  const text = formatResults(state, run, check, cmds, pairs);
  const resultsFile = opt.smoke ? join(DIFF_ROOT, 'RESULTS-smoke.md') : join(HERE, 'RESULTS-diff.md');
  // The hand-written analysis below NOTES_MARKER survives a new run.
  const old = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
  const notes = old.includes(NOTES_MARKER) ? old.slice(old.indexOf(NOTES_MARKER)) : `${NOTES_MARKER}\n`;
  writeFileSync(resultsFile, `${text}\n${notes}`);
  console.log(text);
}

function formatResults(state, run, check, cmds, pairs) {
  const f2 = (x) => x.toFixed(2);
  const med = (id, k) => median(run.samples[id].map((r) => r[k]));
  const rows = PAIRS.map(({ a, b, target, text }) => {
    const ratios = run.samples[a].map((r, i) => r.seconds / run.samples[b][i].seconds);
    const m = median(ratios);
    const verdict = target === undefined ? '' : m <= target ? 'met' : 'MISSED';
    return `| ${a} / ${b} | \`${cmds[b].label}\` | **${f2(m)}×** | ${f2(Math.min(...ratios))}–${f2(Math.max(...ratios))} | ${text} | ${verdict} |`;
  });
  const solo = Object.keys(cmds).map((id) => `| ${id} | \`${cmds[id].label.replaceAll('|', '\\|')}\` | ${f2(med(id, 'seconds'))} | ` +
    `${f2(Math.min(...run.samples[id].map((r) => r.seconds)))}–${f2(Math.max(...run.samples[id].map((r) => r.seconds)))} | ${f2(med(id, 'cpuSeconds'))} | ${Math.round(med(id, 'rssMB'))} | ${[...new Set(run.samples[id].map((r) => r.status))].join(',')} |`);
  const g = run.samples.G1;
  return `# preupd diff benchmark results

Written by \`node native-bench/diff.mjs\` (issue 3, item 5); ${run.date}.

## Method

- **Trees**: control = \`${state.control}\` (the shared tree of tree.mjs: a copy of /usr plus 13
  npm packages' node_modules), ${state.entries.toLocaleString('en')} entries, ${(state.bytes / 1e9).toFixed(2)} GB in ${state.files.toLocaleString('en')} files;
  test = \`${state.test}\`, a \`cp -a\` copy of it (new inodes, so the same-file shortcut never
  applies and preupd reads every pair of same-size regular files, as rsync -c does) with
  ${state.mutations.length} mutated paths (${(100 * state.mutations.length / state.entries).toFixed(2)} %): ${RECIPE.kinds.map((k) => `${state.mutations.filter((m) => m.kind === k).length} ${k}`).join(', ')}.
  Same-size content changes get their old mtime back (to the millisecond: Node's utimes), so
  tools that trust size + mtime cannot see them where the old mtime had no finer part.
- **Warm before every measured run**: \`tar -cf - TREE | cat >/dev/null\` of both trees (the page
  cache drops files idle for about a minute here); P1/G1 warm their manifest files instead.
  Median warm time ${f2(median(run.warm))} s, not counted.
- **Interleaved**: the order D1 R1 D2 R2 F1 X1 M1 P1 G1 is repeated ${pairs} times; a ratio is taken
  within each repetition, the table gives the median and the range.
- **Wall time** by hrtime around the process; **CPU time** is GNU time's \`%U\` + \`%S\` (user and
  system, all threads and processes; the machine has 2 cores, so wall time is at least half of
  it); **peak RSS** is GNU time's \`%M\` (for M1's shell pipeline: the largest single process). stdout goes to /dev/null.
- rsync runs as \`rsync ... TEST/ CONTROL/\` (what would turn control into test, the direction
  preupd reports). \`diff -rq --no-dereference\` compares contents only (no metadata); mtree
  hashes md5 in one thread, and its spec of the control tree is made in the same measured run.
- **Noise**: the machine has 2 cores shared with other engineers' builds, tests and benchmarks
  (load average ${run.loadStart} at the start, ${run.loadEnd} at the end); single timings drift by
  20–30 % or more. Ratios within a repetition are the number to read, and even they are rough.

## Machine

${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, Node ${process.version}, ext4 on a virtio disk.
${toolVersion(['rsync', '--version'])}; ${toolVersion(['diff', '--version'])}; mtree-netbsd ${spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'mtree-netbsd'], { encoding: 'utf8' }).stdout.trim()}.

## Ratios (median of ${pairs} interleaved repetitions)

| preupd / baseline | baseline | median ratio | range | target | verdict |
|---|---|---|---|---|---|
${rows.join('\n')}

## All commands

| id | command | median s | range s | median CPU s | peak RSS MB | exit |
|---|---|---|---|---|---|---|
${solo.join('\n')}

1M-line pair (G1): ${f2(median(g.map((r) => r.seconds)))} s and ${Math.round(median(g.map((r) => r.rssMB)))} MB peak RSS
(targets ≤ 2 s, ≤ 100 MB: ${median(g.map((r) => r.seconds)) <= 2 && median(g.map((r) => r.rssMB)) <= 100 ? 'met' : 'MISSED'}); the
${state.entries.toLocaleString('en')}-line pair (P1): ${f2(median(run.samples.P1.map((r) => r.seconds)))} s, ${Math.round(median(run.samples.P1.map((r) => r.rssMB)))} MB.

## Correctness (untimed, before the measured runs)

\`preupd diff --json\`: exit ${check.status}, ${check.reported} records for ${check.mutations} mutations; mutations reported
with other attributes than planned: ${check.wrong.length}${check.wrong.length ? ` (e.g. ${check.wrong.slice(0, 3).join('; ')})` : ''}; records on paths not mutated: ${check.extra.length}${check.extra.length ? ` (${check.extra.slice(0, 5).join('; ')})` : ''}.
\`--quick\`: ${check.quickReported} records; mutations it does not report: ${check.quickMissed.map(([k, n]) => `${n} ${k}`).join(', ') || 'none'} (expected: every same-size, same-mtime content change).
`;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
