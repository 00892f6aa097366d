/**
 * `preupd diff` with a long run of lines on one side only: compare reads both sides in step,
 * and 140,000 additions must not hold back the other side's end (they once did: two bounded
 * queues waited on each other and diff hung). Both ways: two live trees walked at once, and
 * a saved manifest against a live tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preupd } from './real-tree.js';

const DIRS = 140;
const FILES = 1000;
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'preupd-diff-large-'));
  mkdirSync(join(scratch, 'empty'));
  for (let d = 0; d < DIRS; d++) {
    const dir = join(scratch, 'full', `d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES; f++) writeFileSync(join(dir, `f${f}`), '');
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const adds = (stdout: string) => stdout.split('\n').filter((l) => l === '  add').length;

describe('preupd diff, one side much larger', () => {
  it('reports every addition between an empty tree and a full one', async () => {
    const run = await preupd(['diff', join(scratch, 'empty'), join(scratch, 'full')]);
    expect(run.status).toBe(1);
    expect(adds(run.stdout)).toBe(DIRS * (FILES + 1));
  }, 120_000);

  it('reports every deletion against a saved manifest of the full tree', async () => {
    const manifest = join(scratch, 'full.manifest');
    const rules = join(scratch, 'rules');
    writeFileSync(rules, '/\nCHECK all\nIGNORE dirmtime\n');
    expect((await preupd(['manifest', 'create', '-r', rules, '-R', join(scratch, 'full'), '-o', manifest])).status).toBe(0);
    const run = await preupd(['diff', manifest, join(scratch, 'empty')]);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter((l) => l === '  delete').length).toBe(DIRS * (FILES + 1));
  }, 120_000);
});
