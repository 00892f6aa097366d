// How one command is measured: warm the tree, then run the command under GNU time for its
// peak RSS (%M) and CPU time (%U + %S, all its processes and threads) while timing the wall
// clock here (hrtime; %e only has 10 ms steps).
import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const TIME = '/usr/bin/time';

// Tools each command needs, with the Debian package that brings it.
export const TOOLS = {
  time: { path: TIME, pkg: 'time' },
  tar: { path: 'tar', pkg: 'tar' },
  find: { path: 'find', pkg: 'findutils' },
  xxhsum: { path: 'xxhsum', pkg: 'xxhash' },
  hashdeep: { path: 'hashdeep', pkg: 'hashdeep' },
  mtree: { path: 'mtree', pkg: 'mtree-netbsd' },
  rsync: { path: 'rsync', pkg: 'rsync' },
  diff: { path: 'diff', pkg: 'diffutils' },
};

/** Returns the TOOLS entries whose binary cannot be run (`command -v` finds nothing). */
function missingTools(names) {
  return names.filter((n) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', TOOLS[n].path]).status !== 0)
    .map((n) => ({ name: n, ...TOOLS[n] }));
}

/** Exits 2 naming the apt-get line when one of the TOOLS `names` is missing (a run would time its failure). */
export function requireTools(names, log) {
  const missing = missingTools(names);
  if (missing.length === 0) return;
  log(`missing: ${missing.map((m) => m.path).join(', ')}`);
  log(`install with: apt-get install -y ${[...new Set(missing.map((m) => m.pkg))].join(' ')}`);
  process.exit(2);
}

/**
 * The measured commands. `argv` runs without a shell; `shell` is a pipeline run as
 * `sh -c SCRIPT sh TREE`, so the tree arrives as "$1" and is never re-quoted.
 */
export function benchCommands(tree, preupdArgv) {
  return {
    A1: { label: 'preupd manifest create (XXH64)', tools: [],
      argv: [...preupdArgv, 'manifest', 'create', '-R', tree, '-o', '/dev/null'] },
    A2: { label: 'preupd manifest create -n', tools: [],
      argv: [...preupdArgv, 'manifest', 'create', '-n', '-R', tree, '-o', '/dev/null'] },
    B1: { label: 'find -type f -print0 | xargs -0 -P2 xxhsum -H1', tools: ['find', 'xxhsum'],
      shell: 'find "$1" -type f -print0 | xargs -0 -P2 xxhsum -H1' },
    B2: { label: "find -printf '%p %y %s %m %T@ %U %G %l\\n'", tools: ['find'],
      argv: ['find', tree, '-printf', '%p %y %s %m %T@ %U %G %l\\n'] },
    B3: { label: 'hashdeep -r -o f -c md5', tools: ['hashdeep'], argv: ['hashdeep', '-r', '-o', 'f', '-c', 'md5', tree] },
    B4: { label: 'mtree -c -k type,size,mode,uid,gid,time,link,md5', tools: ['mtree'],
      argv: ['mtree', '-c', '-k', 'type,size,mode,uid,gid,time,link,md5', '-p', tree] },
  };
}

// GNU tar reads every regular file and stats every entry; piping through cat stops tar from
// noticing that its archive is /dev/null (it then skips reading file data). One process, so
// it measured faster here than `find | xargs -P2 cat` (9 s vs 17-20 s on the full tree).
const WARM_SCRIPT = 'tar -cf - "$1" 2>/dev/null | cat >/dev/null';

/** Reads the whole tree into the page cache; returns the seconds it took. */
export function warmTree(tree) {
  const started = process.hrtime.bigint();
  spawnSync('sh', ['-c', WARM_SCRIPT, 'sh', tree], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Runs one command with stdout to /dev/null and stderr to a log file under logDir.
 * Returns { seconds, cpuSeconds, rssMB, status, stderrLines, stderrTail, log }. For a
 * pipeline, GNU time's %M is the largest single process of it, not their sum (%U and %S
 * are sums).
 */
export function timeCommand(cmd, tree, logDir, tag) {
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${tag}.stderr`);
  const rssFile = join(logDir, `${tag}.time`);
  const inner = cmd.shell ? ['sh', '-c', cmd.shell, 'sh', tree] : cmd.argv;
  const out = openSync('/dev/null', 'w');
  const err = openSync(log, 'w');
  const started = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%M %U %S', '-o', rssFile, ...inner], { stdio: ['ignore', out, err] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(out);
  closeSync(err);
  const [rssKB, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(rssFile, { force: true });
  // xxhsum writes progress padding to stderr; count only lines with something in them.
  const stderrLines = readFileSync(log, 'latin1').split(/[\r\n]/).filter((l) => l.trim() !== '');
  assertDevNullIntact(tag);
  return { seconds, cpuSeconds: user + system, rssMB: rssKB / 1024, status: r.status, signal: r.signal,
    stderrLines: stderrLines.length, stderrTail: stderrLines.slice(-3), log };
}

// `-o` writes atomically; an implementation that renamed a temporary file over /dev/null
// would break the whole machine, so every run checks it.
function assertDevNullIntact(tag) {
  const st = lstatSync('/dev/null');
  if (!st.isCharacterDevice()) {
    throw new Error(`/dev/null is no longer a character device after ${tag}; restore it with ` +
      '`rm /dev/null && mknod -m 666 /dev/null c 1 3`');
  }
}
