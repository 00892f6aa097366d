// Turns the measured samples into the Markdown that run.mjs prints and writes to RESULTS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const GENERATED_MARKER = '<!-- Everything below is written by `npm run bench`; edit the text above it. -->';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Targets from issue 2 ("Targets"), as predicates on the median ratio preupd / baseline.
const TARGETS = {
  B1: { text: '≤ 1.3× (1.6× max)', verdict: (r) => (r <= 1.3 ? 'met' : r <= 1.6 ? 'within 1.6× max' : 'MISSED') },
  B2: { text: '≤ 1.5×', verdict: (r) => (r <= 1.5 ? 'met' : 'MISSED') },
  B3: { text: '≥ 6× faster (≤ 0.167×)', verdict: (r) => (r <= 1 / 6 ? 'met' : 'MISSED') },
  B4: { text: '(reference)', verdict: () => '' },
};
const RSS_TARGET_MB = 250;

const f2 = (x) => x.toFixed(2);
const mb = (x) => Math.round(x).toString();
const cell = (s) => s.replaceAll('|', '\\|'); // a pipeline's label inside a table cell

function comparisonRow(c) {
  const ratios = c.pairs.map((p) => p.a.seconds / p.b.seconds);
  const r = median(ratios);
  const t = TARGETS[c.b];
  const faster = r < 1 ? ` (${(1 / r).toFixed(1)}× faster)` : '';
  return `| ${c.a} vs ${c.b} | \`${cell(c.labelB)}\` | ${c.pairs.length} | **${f2(r)}×**${faster} | ` +
    `${f2(Math.min(...ratios))}–${f2(Math.max(...ratios))} | ${t.text} | ${t.verdict(r)} | ` +
    `${f2(median(c.pairs.map((p) => p.a.seconds)))} / ${f2(median(c.pairs.map((p) => p.b.seconds)))} | ` +
    `${mb(median(c.pairs.map((p) => p.a.rssMB)))} / ${mb(median(c.pairs.map((p) => p.b.rssMB)))} |`;
}

function soloRow(s) {
  return `| ${s.id} | \`${cell(s.label)}\` | ${s.runs.length} | ${f2(median(s.runs.map((r) => r.seconds)))} | ` +
    `${mb(median(s.runs.map((r) => r.rssMB)))} |`;
}

/** Least-squares line through (entries, MB): returns MB per 100k entries and the intercept. */
function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.entries, 0) / n;
  const my = points.reduce((s, p) => s + p.rssMB, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.entries - mx) ** 2, 0);
  const slope = points.reduce((s, p) => s + (p.entries - mx) * (p.rssMB - my), 0) / sxx;
  return { per100k: slope * 1e5, intercept: my - slope * mx };
}

function scalingSection(scaling) {
  const lines = ['', '### Peak RSS against tree size', '',
    '| subtree | entries | largest directory | A1 (XXH64) MB | A2 (-n) MB |', '|---|---:|---:|---:|---:|'];
  for (const p of scaling) lines.push(`| ${p.name} | ${p.entries} | ${p.largestDir} | ${mb(p.A1)} | ${mb(p.A2)} |`);
  for (const id of ['A1', 'A2']) {
    const pts = scaling.filter((p) => p[id] !== undefined).map((p) => ({ entries: p.entries, rssMB: p[id] }));
    if (pts.length < 2) continue;
    const { per100k, intercept } = fitLine(pts);
    lines.push('', `${id}: least-squares line ≈ ${intercept.toFixed(0)} MB + ${per100k.toFixed(1)} MB per 100k entries.`);
  }
  return lines;
}

/** The generated part of RESULTS.md (and of the console output). */
export function formatResults(run) {
  const L = [];
  L.push(`## Run of ${run.date}`, '');
  L.push(`- Machine: ${run.machine.nproc} cores (${run.machine.cpu}), ${run.machine.memGiB} GiB RAM, ` +
    `kernel ${run.machine.kernel}; load average ${run.machine.loadStart} at start, ${run.machine.loadEnd} at end` +
    (run.loads?.length ? `, 1-minute load before the runs: median ${median(run.loads).toFixed(1)}, ` +
      `${Math.min(...run.loads).toFixed(1)}–${Math.max(...run.loads).toFixed(1)}` : '') +
    ' (the 2 cores are shared with other work).');
  L.push(`- Tree: \`${run.tree.path}\`: ${run.tree.entries} entries (${run.tree.files} regular files), ` +
    `${(run.tree.bytes / 1e9).toFixed(2)} GB of file data.`);
  L.push(`- preupd: \`${run.preupd.path}\` at ${run.preupd.commit}; Node ${process.versions.node}.`);
  L.push(`- Tools: ${run.versions.join('; ')}.`);
  L.push(`- Warming (\`tar -cf - TREE | cat >/dev/null\` before every measured run): median ` +
    `${f2(median(run.warmSeconds))} s over ${run.warmSeconds.length} warms ` +
    `(${f2(Math.min(...run.warmSeconds))}–${f2(Math.max(...run.warmSeconds))} s).`);
  L.push(`- Total benchmark time: ${Math.round(run.totalSeconds / 60)} min.`);
  if (run.smoke) L.push(`- Smoke check: ${run.smoke}`);
  if (run.comparisons.length) {
    L.push('', '### Ratios (preupd / baseline, median of interleaved pairs)', '',
      '| pair | baseline | pairs | median ratio | range | target | verdict | median s (A / B) | peak RSS MB (A / B) |',
      '|---|---|---:|---:|---|---|---|---|---|');
    for (const c of run.comparisons) L.push(comparisonRow(c));
    const rss = run.comparisons.flatMap((c) => c.pairs.map((p) => p.a.rssMB));
    L.push('', `preupd peak RSS on the measured tree: ${mb(Math.max(...rss))} MB at most over ${rss.length} runs ` +
      `(target ≤ ${RSS_TARGET_MB} MB: ${Math.max(...rss) <= RSS_TARGET_MB ? 'met' : 'MISSED'}). ` +
      'Seconds are shown for scale only: they drift between runs, the paired ratios less so.');
  }
  if (run.solos.length) {
    L.push('', '### Unpaired runs', '', '| id | command | runs | median s | peak RSS MB |', '|---|---|---:|---:|---:|');
    for (const s of run.solos) L.push(soloRow(s));
  }
  if (run.scaling.length) L.push(...scalingSection(run.scaling));
  if (run.problems.length) L.push('', '### Problems seen', '', ...run.problems.map((p) => `- ${p}`));
  return L.join('\n') + '\n';
}

const DEFAULT_HEADER = `# preupd benchmark results\n\n(header missing: see README.md)\n\n`;

/** Replaces the generated part of file, keeping the hand-written header above the marker. */
export function writeResults(file, generated) {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(GENERATED_MARKER);
  // No marker yet: the whole file is hand-written text, so it all stays above the results.
  const header = at >= 0 ? old.slice(0, at) : old ? `${old.trimEnd()}\n\n` : DEFAULT_HEADER;
  writeFileSync(file, `${header}${GENERATED_MARKER}\n\n${generated}`);
}
