/**
 * `preupd manifest create` on real directories, through the built CLI (worker threads):
 * odd names, unreadable entries, and files that change or vanish during the walk.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PREUPD = resolve(import.meta.dirname, '../bin/preupd');
const isRoot = process.getuid?.() === 0;

function preupd(args: string[], opts: { asNobody?: boolean } = {}) {
  const argv = ['node', PREUPD, ...args];
  // Root reads everything: drop to nobody to see permission errors.
  const cmd = opts.asNobody && isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const run = spawnSync(cmd[0]!, cmd.slice(1), { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 26 });
  return { stdout: run.stdout.toString('latin1'), stderr: run.stderr.toString('latin1'), status: run.status };
}

function body(manifest: string): string[] {
  return manifest.split('\n').filter((l) => l !== '' && !l.startsWith('!') && !l.startsWith('#'));
}

function tempTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'preupd-real-'));
  chmodSync(dir, 0o755);
  return dir;
}

describe('manifest create on real directories', () => {
  it('prints non-UTF-8 and control-byte names raw and escapes the seven special bytes', () => {
    const root = tempTree();
    const names = ['caf\xc3\xa9', 'bad\xffbyte', 'new\nline', 'tab\there', 'cr\rhere', 'star*', 'back\\slash'];
    for (const n of names) writeFileSync(Buffer.from(join(root, n), 'latin1'), Buffer.from(n, 'latin1'));
    symlinkSync(Buffer.from('target with spaces \xff', 'latin1'), join(root, 'link'));
    const { stdout, status } = preupd(['manifest', 'create', '--hash', 'md5', '-R', root]);
    expect(status).toBe(0);
    const got = body(stdout).map((l) => l.split(' ')[0]);
    expect(got).toEqual(
      ['/back\\134slash', '/bad\xffbyte', '/caf\xc3\xa9', '/cr\rhere', '/link', '/new\\012line', '/star\\052', '/tab\\011here'].sort(),
    );
    const md5 = createHash('md5').update(Buffer.from('bad\xffbyte', 'latin1')).digest('hex');
    const bad = body(stdout).find((l) => l.startsWith('/bad\xffbyte '))!.split(' ');
    expect([bad[1], bad[2], bad[3], bad[8]]).toEqual(['F', '8', '100644', md5]);
    expect(body(stdout).find((l) => l.startsWith('/link '))!.endsWith(' target\\040with\\040spaces\\040\xff')).toBe(true);
  });

  it.skipIf(isRoot && spawnSync('setpriv', ['--version']).status !== 0)(
    'reports unreadable files and directories as bart does, exit 1',
    () => {
      const root = tempTree();
      mkdirSync(join(root, 'closed'));
      writeFileSync(join(root, 'closed', 'inside'), 'x');
      chmodSync(join(root, 'closed'), 0o000);
      writeFileSync(join(root, 'secret'), 'x');
      chmodSync(join(root, 'secret'), 0o000);
      writeFileSync(join(root, 'open'), 'x');
      const run = preupd(['manifest', 'create', '-R', root, '--hash', 'md5'], { asNobody: true });
      expect(run.status).toBe(1);
      expect(run.stderr.split('\n').sort()).toEqual(['', `${root}/secret: Permission denied`, `WARNING: cannot list directory: ${root}/closed`].sort());
      expect(body(run.stdout).map((l) => l.split(' ')[0])).toEqual(['/open', '/secret']);
      expect(body(run.stdout)[1]!.endsWith(' -')).toBe(true);
    },
  );

  it('survives files that grow and vanish while it walks', async () => {
    const root = tempTree();
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(root, `d${d}`));
      for (let f = 0; f < 100; f++) writeFileSync(join(root, `d${d}`, `f${f}`), 'x'.repeat(f * 100));
    }
    const growing = join(root, 'd0', 'growing');
    writeFileSync(growing, '');
    // A second process appends to one file and deletes others during the walk.
    const churn = spawn(
      'node',
      ['-e', `const fs=require('fs');const t=Date.now();let i=0;while(Date.now()-t<1500){fs.appendFileSync(${JSON.stringify(growing)},'y'.repeat(4096));try{fs.rmSync(${JSON.stringify(root)}+'/d'+(i%20)+'/f'+(i%100))}catch{}i++}`],
      { stdio: 'ignore' },
    );
    await new Promise((r) => setTimeout(r, 100));
    const { stdout, stderr, status } = preupd(['manifest', 'create', '-R', root]);
    await new Promise((r) => churn.on('exit', r));
    expect([0, 1]).toContain(status);
    for (const line of stderr.split('\n').filter(Boolean)) {
      expect(line).toMatch(/^(WARNING: unknown directory entry: |.*: No such file or directory$)/);
    }
    const grown = body(stdout).find((l) => l.startsWith('/d0/growing '));
    expect(grown).toMatch(/ [0-9a-f]{16}$/);
    expect(Number(grown!.split(' ')[2])).toBeLessThanOrEqual(readFileSync(growing).length);
    rmSync(root, { recursive: true, force: true });
  });
});
