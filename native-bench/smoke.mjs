// A correctness look before timing anything: preupd must exit 0 on a small tree, list every
// non-directory entry (default `manifest create` prints no D lines, spec/bart.md §3.3), and
// agree with xxhsum on the XXH64 of the files it lists. A fast wrong tool is no result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HASH_SAMPLE = 300;

/** Returns { ok, text } where text is one line for RESULTS.md. */
export function smokeCheck(preupdArgv, dir) {
  const tmp = mkdtempSync(join(tmpdir(), 'preupd-bench-'));
  try {
    const out = join(tmp, 'manifest');
    const r = spawnSync(preupdArgv[0], [...preupdArgv.slice(1), 'manifest', 'create', '-R', dir, '-o', out],
      { encoding: 'latin1', maxBuffer: 1 << 28 });
    if (r.status !== 0) {
      const tail = (r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' | ');
      return { ok: false, text: `\`preupd manifest create -R ${dir}\` exited ${r.status}: ${tail}` };
    }
    const body = readFileSync(out, 'latin1').split('\n').filter((l) => l && l[0] !== '!' && l[0] !== '#');
    const found = spawnSync('find', [dir, '-mindepth', '1', '!', '-type', 'd', '-printf', '.'], { encoding: 'latin1', maxBuffer: 1 << 28 });
    const expected = found.stdout.length;
    const files = body.map((l) => l.split(' ')).filter((f) => f[1] === 'F' && !f[0].includes('\\')).slice(0, HASH_SAMPLE);
    const x = spawnSync('xxhsum', ['-H1', ...files.map((f) => dir + f[0])], { encoding: 'latin1', maxBuffer: 1 << 28 });
    const want = new Map(x.stdout.split('\n').filter(Boolean).map((l) => [l.slice(l.indexOf('  ') + 2), l.slice(0, l.indexOf('  '))]));
    const wrong = files.filter((f) => want.get(dir + f[0])?.toLowerCase() !== f[8]?.toLowerCase());
    const ok = body.length === expected && wrong.length === 0;
    return { ok, text: `\`manifest create -R ${dir}\`: ${body.length} entry lines for ${expected} ` +
      `non-directory entries (find); XXH64 of ${files.length} files vs xxhsum -H1: ` +
      `${wrong.length ? `${wrong.length} DIFFER, e.g. ${wrong[0][0]}` : 'all equal'}.` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
