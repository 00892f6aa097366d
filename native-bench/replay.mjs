#!/usr/bin/env node
// `preupd plan` and `preupd reintegrate` next to `preupd diff` of base and admin (issue 5,
// item 6). Targets: plan <= 1.5x the diff of base and admin; apply proportional to the changes,
// not to the tree. Writes native-bench/RESULTS-replay.md (full run) or prints (--quick).
//
//   node native-bench/replay.mjs [--quick] [--pairs N] [--preupd PATH]
//
// Full run: base = the shared benchmark tree and admin = its mutated copy (diff.mjs, both read
// only); update = another `cp -a` of base with its own 0.5 % of changes, a tenth of them on
// paths the admin changed too (made once, reused); target = a fresh `cp -a` of update before
// every reintegrate (untimed). --quick builds three 20,000-file trees instead (~1 minute).
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { ensureDiffTrees } from './diff.mjs';
import { timeCommand, warmTree } from './measure.mjs';
import { median } from './report.mjs';
import { DEFAULT_ROOT } from './tree.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(DEFAULT_ROOT, 'replay');
const log = (m) => console.error(`[bench-replay] ${m}`);
const RECIPE = { version: 1, share: 0.005, overlap: 0.1, seed: 20261205 };

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}\n${String(r.stderr).slice(-500)}`);
  return r.stdout.toString('latin1');
}

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** update's own changes: appended content, chmod, added and deleted files; some on admin's paths. */
function mutateUpdate(tree, adminPaths, log) {
  const random = prng(RECIPE.seed);
  const files = run(['find', tree, '-type', 'f', '-size', '-16M', '-printf', '%P\\n']).split('\n').filter((p) => p && !/[\s*?[\\]/.test(p)).sort();
  const count = Math.round(files.length * RECIPE.share);
  const overlap = adminPaths.filter((p) => files.includes(p)).slice(0, Math.round(count * RECIPE.overlap));
  const picked = new Set(overlap);
  while (picked.size < count) picked.add(files[Math.floor(random() * files.length)]);
  let i = 0;
  for (const path of picked) {
    const full = join(tree, path);
    const kind = i++ % 4;
    if (kind === 0) appendFileSync(full, 'preupd bench update\n');
    else if (kind === 1) chmodSync(full, (statSync(full).mode & 0o7777) ^ 0o040);
    else if (kind === 2) writeFileSync(`${full}-update-added`, 'added by update\n');
    else rmSync(full);
  }
  log(`update: ${picked.size} paths changed, ${overlap.length} of them also changed by admin`);
}

/** A small base/admin pair for --quick: 200 directories of 100 files; admin changes 0.5 %. */
function quickPair() {
  const base = join(ROOT, 'quick', 'base');
  const admin = join(ROOT, 'quick', 'admin');
  if (existsSync(admin)) return { base, admin, mutations: JSON.parse(readFileSync(`${admin}.json`, 'utf8')) };
  for (let d = 0; d < 200; d++) {
    mkdirSync(join(base, `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(base, `d${d}`, `f${f}`), `file ${d}/${f}\n`.repeat(1 + (f % 40)));
  }
  run(['cp', '-a', base, admin]);
  const mutations = [];
  for (let i = 0; i < 100; i++) {
    const path = `d${(i * 37) % 200}/f${(i * 13) % 100}`;
    appendFileSync(join(admin, path), 'admin edit\n');
    mutations.push({ path });
  }
  writeFileSync(`${admin}.json`, JSON.stringify(mutations));
  return { base, admin, mutations };
}

function ensureUpdate(base, adminPaths, dir) {
  const update = join(dir, 'update');
  const stamp = join(dir, 'update.json');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify({ RECIPE, base })) return update;
  rmSync(update, { recursive: true, force: true });
  log(`cp -a ${base} ${update} ...`);
  run(['cp', '-a', base, update]);
  mutateUpdate(update, adminPaths, log);
  writeFileSync(stamp, JSON.stringify({ RECIPE, base }));
  return update;
}

// Applying alone, without the walks reintegrate makes to check the plan's inputs.
const APPLY_ONLY = `const [plan, target, base, admin, update] = process.argv.slice(1);
const { applyPlan } = await import(${JSON.stringify(join(HERE, '..', 'dist', 'replay', 'apply-plan.js'))});
const { parsePlanJson } = await import(${JSON.stringify(join(HERE, '..', 'dist', 'replay', 'plan-json.js'))});
const { readFileSync } = await import('node:fs');
applyPlan(parsePlanJson(readFileSync(plan, 'latin1'), plan), { target, roots: { base, admin, update } });`;

async function main() {
  const { values: opt } = parseArgs({ options: { quick: { type: 'boolean' }, pairs: { type: 'string' }, preupd: { type: 'string' } } });
  const pairs = Number(opt.pairs ?? (opt.quick ? 1 : 3));
  const preupd = [process.execPath, resolve(opt.preupd ?? join(HERE, '..', 'bin', 'preupd'))];
  const dir = opt.quick ? join(ROOT, 'quick') : ROOT;
  mkdirSync(dir, { recursive: true });
  const pair = opt.quick ? quickPair() : (() => { const s = ensureDiffTrees(log); return { base: s.control, admin: s.test, mutations: s.mutations }; })();
  const { base, admin } = pair;
  const update = ensureUpdate(base, pair.mutations.map((m) => m.path), dir);
  const target = join(dir, 'target');
  const planFile = join(dir, 'plan.json');
  const roots = ['--base', base, '--admin', admin, '--update', update];
  const cmds = {
    D1: { label: 'preupd diff base admin', argv: [...preupd, 'diff', base, admin] },
    P1: { label: 'preupd plan -o plan.json', argv: [...preupd, 'plan', ...roots, '-o', planFile] },
    A1: { label: 'preupd reintegrate --plan (walks to check inputs, then applies)', argv: [...preupd, 'reintegrate', ...roots, '--plan', planFile, '--target', target] },
    A0: { label: 'applyPlan alone', argv: [process.execPath, '--input-type=module', '-e', APPLY_ONLY, planFile, target, base, admin, update] },
  };
  const samples = {};
  const freshTarget = () => {
    rmSync(target, { recursive: true, force: true });
    run(['cp', '-a', update, target]);
  };
  for (let i = 0; i < pairs; i++) {
    for (const id of ['D1', 'P1', 'A1', 'A0']) {
      if (id === 'A1' || id === 'A0') freshTarget();
      for (const t of [base, admin, update]) warmTree(t);
      const r = timeCommand(cmds[id], base, join(dir, 'logs'), `${i}-${id}`);
      log(`${id} ${cmds[id].label}: ${r.seconds.toFixed(2)} s, ${Math.round(r.rssMB)} MB, exit ${r.status}`);
      (samples[id] ??= []).push(r);
    }
  }
  const plan = JSON.parse(readFileSync(planFile, 'latin1'));
  const ops = plan.steps.reduce((n, s) => n + s.ops.length, 0);
  const med = (id, k) => median(samples[id].map((r) => r[k]));
  const lines = [
    `# Reintegration benchmark (${opt.quick ? 'quick, 20k files' : 'the diff benchmark pair + update'})`, '',
    `${new Date().toISOString()}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${pairs} run(s) each, median shown.`,
    `Plan: ${plan.steps.length} steps, ${ops} ops, ${plan.unchanged} unchanged paths.`, '',
    '| id | command | seconds | peak RSS MB |', '|---|---|---|---|',
    ...Object.keys(cmds).map((id) => `| ${id} | ${cmds[id].label} | ${med(id, 'seconds').toFixed(2)} | ${Math.round(med(id, 'rssMB'))} |`), '',
    `plan / diff: ${(med('P1', 'seconds') / med('D1', 'seconds')).toFixed(2)}x (target <= 1.5x); apply alone: ${(1000 * med('A0', 'seconds') / Math.max(ops, 1)).toFixed(2)} ms per op.`,
  ];
  const text = `${lines.join('\n')}\n`;
  if (!opt.quick) writeFileSync(join(HERE, 'RESULTS-replay.md'), text);
  console.log(text);
}

await main();
