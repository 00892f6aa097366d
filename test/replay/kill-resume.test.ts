/**
 * A real SIGKILL of `preupd reintegrate` (the built CLI, as `npm test` builds it) in the middle
 * of applying, then a resume: the same target as an uninterrupted run, no stray temporary file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneTree, describeTree, dir, file, tempDir, type Tree, writeTree } from './trees.js';

const PREUPD = resolve(import.meta.dirname, '../../bin/preupd');

function trees(): { base: Tree; admin: Tree } {
  const base: Tree = { etc: dir() };
  const admin: Tree = { etc: dir() };
  for (let i = 0; i < 300; i++) {
    base[`etc/f${i}`] = file(`base ${i}\n`);
    admin[`etc/f${i}`] = i % 3 === 0 ? file(`admin ${i}\n`, { mtime: 1_700_000_100 }) : base[`etc/f${i}`]!;
    if (i % 3 === 1) admin[`etc/new${i}`] = file(`new ${i}\n`, { mode: 0o600 });
  }
  return { base, admin };
}

function journalText(target: string): string {
  const dir = `${target}/var/preupd/journal`;
  const log = existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.log')) : undefined;
  return log ? readFileSync(`${dir}/${log}`, 'latin1') : '';
}

/** Records in the target's journal so far (0 while planning). */
const journalRecords = (target: string): number => journalText(target).split('\n').length - 1;

describe('reintegrate killed with SIGKILL', () => {
  it.each([2, 40, 150])('resumes after a kill once %i journal records are written', async (records) => {
    const top = tempDir();
    const { base, admin } = trees();
    writeTree(`${top}/base`, base);
    writeTree(`${top}/update`, base);
    writeTree(`${top}/admin`, admin);
    cloneTree(`${top}/update`, `${top}/whole`);
    cloneTree(`${top}/update`, `${top}/target`);
    const roots = ['--base', `${top}/base`, '--admin', `${top}/admin`, '--update', `${top}/update`];
    expect(spawnSync('node', [PREUPD, 'plan', ...roots, '-o', `${top}/plan.json`]).status).toBe(0);
    const reintegrate = (target: string) => [PREUPD, 'reintegrate', ...roots, '--plan', `${top}/plan.json`, '--target', target];
    expect(spawnSync('node', reintegrate(`${top}/whole`)).status).toBe(0);
    const child = spawn('node', reintegrate(`${top}/target`), { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    while (child.exitCode === null && journalRecords(`${top}/target`) < records) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    await exited;
    // The kill landed while applying: some records, and no completion, are in the journal.
    expect(journalRecords(`${top}/target`)).toBeGreaterThanOrEqual(records);
    expect(journalText(`${top}/target`)).not.toContain('"complete"');
    const resumed = spawnSync('node', reintegrate(`${top}/target`), { encoding: 'latin1' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(describeTree(`${top}/target`, ['var/preupd/journal'])).toEqual(describeTree(`${top}/whole`, ['var/preupd/journal']));
  });

  // Bug: the FIFO refused before the kill was journaled done and never reported again; the resume exited 0.
  // (FIFOs are made now: the refusal here is a directory the admin deleted that holds, in the
  // target, a file no manifest lists; the FIFO must come out made, not refused.)
  it('a resume reports what the killed run refused, and exits 1', async () => {
    const top = tempDir();
    const { base, admin } = trees();
    const withDir: Tree = { ...base, '0dir': dir(), '0dir/a': file('a\n') };
    writeTree(`${top}/base`, withDir);
    writeTree(`${top}/update`, withDir);
    writeTree(`${top}/admin`, admin);
    expect(spawnSync('mkfifo', [`${top}/admin/0fifo`]).status).toBe(0);
    cloneTree(`${top}/update`, `${top}/target`);
    writeFileSync(`${top}/target/0dir/stray`, 'not in any manifest\n');
    const args = [PREUPD, 'reintegrate', '--base', `${top}/base`, '--admin', `${top}/admin`, '--update', `${top}/update`, '--target', `${top}/target`];
    const child = spawn('node', args, { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    while (child.exitCode === null && journalRecords(`${top}/target`) < 40) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    await exited;
    // Removals run first, deepest first: /0dir is the second unit, refused and journaled done before the kill.
    expect(journalText(`${top}/target`)).toMatch(/"refused":\[\{"path":"\/0dir"/);
    expect(journalText(`${top}/target`)).not.toContain('"complete"');
    for (const run of [spawnSync('node', args, { encoding: 'latin1' }), spawnSync('node', args, { encoding: 'latin1' })]) {
      expect(run.status, run.stderr).toBe(1);
      expect(run.stdout).toContain('refused /0dir: directory not empty; kept');
      expect(run.stdout).not.toContain('refused /0fifo');
    }
    expect(describeTree(`${top}/target`)['/0fifo']).toMatch(/^P /);
  });
});
