/**
 * The walking threads themselves (the compiled pool from dist/, which `npm test` builds
 * first): jobs donated between two threads, output held back by a small buffer, and batched
 * hash requests must give exactly what a walk in this thread gives.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATTR, defaultCreateRule } from '../dist/manifest/rules.js';
import { hashContents } from '../dist/walk/describe-entry.js';
import { contextFactory } from '../dist/walk/context.js';
import { inThreadPool, workerPool, workersAvailable } from '../dist/walk/pool.js';
import { PAIR_TAGS } from '../dist/walk/pair-walk.js';
import { nodeWalkFs } from '../dist/walk/walk-fs.js';
import { withoutIdenticalPairs } from './pair-lines.js';

// A real tree of a few thousand entries of every common kind, present after `npm ci`.
const ROOT = fileURLToPath(new URL('../node_modules', import.meta.url));
const settings = { relocRoot: ROOT, rules: [defaultCreateRule(ROOT, ATTR.contents)], computeChecksum: true, hash: 'xxh64', acl: 'auto' };

interface Pool {
  walk(root: object, rule: number, rootFsType: string, out: object): Promise<number>;
  walkPair(root: object, rootFsTypes: string[], out: object): Promise<number>;
  hash(path: string): Promise<{ contents: string }>;
  close(): Promise<void>;
}

async function walkWith(pool: Pool, root = ROOT) {
  const st = nodeWalkFs.lstat(root);
  const blocks: string[] = [];
  const messages: string[] = [];
  try {
    const jobs = await pool.walk({ dir: root, dev: st.dev }, 0, nodeWalkFs.fsType(st.dev, root), {
      text: (b: string[]) => void blocks.push(...b),
      message: (m: string) => void messages.push(m),
    });
    return { text: blocks.join(''), messages, jobs };
  } finally {
    await pool.close();
  }
}

/**
 * A pair walk of `control` (node_modules) against `test`, as diff walks two trees; `cwds`
 * collects where the process is while output arrives.
 */
async function walkPairWith(open: (settings: object) => Promise<Pool>, test: string, control = ROOT, cwds: string[] = []) {
  const side = (root: string) => ({ ...settings, relocRoot: root, rules: [defaultCreateRule(root, ATTR.contents)], computeChecksum: false, lazyContents: true });
  const pool = await open({ sides: [side(control), side(test)], mode: 'default', sameLineage: false });
  const [c, t] = [control, test].map((root) => nodeWalkFs.lstat(root));
  const blocks: string[] = [];
  const messages: string[] = [];
  try {
    const jobs = await pool.walkPair(
      { sides: [{ dir: control, dev: c.dev }, { dir: test, dev: t.dev }], rootLines: ['/ D root', '/ D root'], rootLineSorted: true },
      [nodeWalkFs.fsType(c.dev, control), nodeWalkFs.fsType(t.dev, test)],
      {
        text: (b: string[]) => {
          cwds.push(process.cwd());
          blocks.push(...b);
        },
        message: (m: string) => void messages.push(m),
      },
    );
    return { lines: withoutIdenticalPairs(blocks.join('').split('\n').slice(0, -1)), messages, jobs };
  } finally {
    await pool.close();
  }
}

describe.runIf(workersAvailable())('walking threads', () => {
  it('walk two trees at once as one thread does, printing only what differs', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'preupd-pair-'));
    const copy = join(tmp, 'copy');
    try {
      // cp -a keeps every time, symlinks' too.
      execFileSync('cp', ['-a', ROOT, copy]);
      // A copy has new inodes: every file pair is read and compared, and only these differ.
      writeFileSync(join(copy, 'fast-check/package.json'), 'changed');
      chmodSync(join(copy, 'vitest/package.json'), 0o600);
      rmSync(join(copy, 'yargs'), { recursive: true });
      const alone = await walkPairWith((s) => inThreadPool(s, nodeWalkFs), copy);
      const threads = await walkPairWith((s) => workerPool(s, 2, 4096), copy);
      expect(threads.jobs).toBeGreaterThan(1);
      expect(threads.lines).toEqual(alone.lines);
      const names = new Set(threads.lines.map((l: string) => l.slice(1, l.indexOf(' '))));
      expect(names).toContain('/fast-check/package.json');
      expect(names).toContain('/vitest/package.json');
      expect(names).toContain('/yargs/index.mjs');
      expect(threads.lines.filter((l: string) => l[0] === PAIR_TAGS[1] && l.startsWith(PAIR_TAGS[1] + '/yargs'))).toEqual([]);
      // Directories whose mtime changed, and the three changes with everything below yargs.
      expect([...names].every((n) => /^\/(fast-check|vitest|yargs)(\/|$)|^\/$/.test(n))).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('walk two trees below one directory from inside it, and come back', async () => {
    // The physical path: process.cwd() answers with it.
    const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'preupd-pair-')));
    const [control, test] = [join(tmp, 'control'), join(tmp, 'sub', 'test')];
    const before = process.cwd();
    try {
      mkdirSync(join(tmp, 'sub'));
      execFileSync('cp', ['-a', join(ROOT, 'yargs'), control]);
      execFileSync('cp', ['-a', join(ROOT, 'yargs'), test]);
      writeFileSync(join(test, 'index.mjs'), 'changed');
      const alone = await walkPairWith((s) => inThreadPool(s, nodeWalkFs), test, control);
      const cwds: string[] = [];
      const threads = await walkPairWith((s) => workerPool(s, 2, 4096), test, control, cwds);
      expect(threads.lines).toEqual(alone.lines);
      expect(threads.lines.map((l: string) => l.slice(0, l.indexOf(' ')))).toEqual(['c/index.mjs', 't/index.mjs']);
      expect(new Set(cwds)).toEqual(new Set([tmp]));
      expect(process.cwd()).toBe(before);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('fail on paths of PATH_MAX bytes or more as whole paths do', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'preupd-deep-'));
    try {
      // Both trees are 3 levels of 200-byte names down, with 20 more below them, each with a
      // file: whole paths pass 4,096 bytes two levels before paths relative to the trees'
      // common directory do (made by a process that goes down by relative names).
      const level = (i: number) => String(i).padStart(200, 'd');
      const base = join(tmp, level(0), level(1));
      const build = `const level = (i) => String(i).padStart(200, 'd');
        const down = (name) => { fs.mkdirSync(name); process.chdir(name); };
        process.chdir(${JSON.stringify(tmp)});
        down(level(0));
        down(level(1));
        for (const root of [level(2), 'test']) {
          process.chdir(${JSON.stringify(base)});
          down(root);
          for (let i = 3; i < 23; i++) {
            down(level(i));
            fs.writeFileSync('f', '');
          }
        }`;
      execFileSync(process.execPath, ['-e', build]);
      const [control, test] = [join(base, level(2)), join(base, 'test')];
      const alone = await walkPairWith((s) => inThreadPool(s, nodeWalkFs), test, control);
      const threads = await walkPairWith((s) => workerPool(s, 2, 4096), test, control);
      expect(alone.messages.some((m: string) => m.startsWith('WARNING: unknown directory entry'))).toBe(true);
      expect(threads.messages).toEqual(alone.messages);
      expect(threads.lines).toEqual(alone.lines);
    } finally {
      // rm walks down by relative names; rmSync fails on the deepest paths.
      execFileSync('rm', ['-rf', tmp]);
    }
  });

  it('give the bytes of a walk in this thread, with donations and output held back', async () => {
    const alone = await walkWith(await inThreadPool(settings, nodeWalkFs));
    // 4 KiB of output may wait for its turn: threads ahead of the output block often.
    const threads = await walkWith(await workerPool(settings, 2, 4096));
    expect(alone.text.split('\n').length).toBeGreaterThan(1000);
    expect(threads.jobs).toBeGreaterThan(1);
    expect(threads.messages).toEqual(alone.messages);
    expect(threads.text).toBe(alone.text);
  });

  it('answer every one of many hash requests made at once', async () => {
    const lines = (await walkWith(await inThreadPool(settings, nodeWalkFs))).text.split('\n');
    const entries = lines.filter((l) => l.split(' ')[1] === 'F' && !l.includes('\\')).slice(0, 500);
    const files = entries.map((l) => ROOT + l.split(' ')[0]);
    const contextFor = await contextFactory(settings, nodeWalkFs);
    const pool = await workerPool(settings, 2);
    try {
      const hashed = await Promise.all(files.map((f: string, i: number) => pool.hash(f, Number(entries[i]!.split(' ')[2]))));
      expect(hashed.map((h: { contents: string }) => h.contents)).toEqual(files.map((f: string) => hashContents(contextFor(0, ''), f).contents));
    } finally {
      await pool.close();
    }
  });
});

