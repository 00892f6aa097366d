import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/replay/trees.js';
import { journalPath, openJournal } from './journal.js';
import type { Plan } from './plan-types.js';
import { safeTarget } from './safe-target.js';

const plan = (admin = 'a'): Plan => ({
  version: 1, id: '0123456789abcdef', stamp: '20261204T010203Z',
  inputs: { base: '/b', admin: '/a', update: '/u', fingerprint: { base: 'b', admin, update: 'u' } },
  unchanged: 0, excluded: 0, bootArchive: false, steps: [],
});

describe('journal', () => {
  it('remembers done units across openings, and completion', () => {
    const root = tempDir();
    const first = openJournal(safeTarget(root), plan());
    first.begin(0);
    first.finish(0);
    first.begin(1);
    first.close();
    const second = openJournal(safeTarget(root), plan());
    expect([[...second.done], second.complete]).toEqual([[0], false]);
    second.finishAll();
    second.close();
    expect(openJournal(safeTarget(root), plan()).complete).toBe(true);
  });

  it('drops a torn last record and goes on on a line of its own', () => {
    const root = tempDir();
    const j = openJournal(safeTarget(root), plan());
    j.finish(0);
    j.close();
    appendFileSync(`${root}${journalPath(plan())}`, '{"unit":1,"sta');
    const again = openJournal(safeTarget(root), plan());
    again.finish(1);
    again.close();
    expect([...openJournal(safeTarget(root), plan()).done]).toEqual([0, 1]);
    expect(readFileSync(`${root}${journalPath(plan())}`, 'latin1')).not.toContain('"sta\n');
  });

  it('refuses a corrupt record and a journal of other inputs, naming file and line', () => {
    const root = tempDir();
    openJournal(safeTarget(root), plan()).close();
    const file = `${root}${journalPath(plan())}`;
    expect(() => openJournal(safeTarget(root), plan('changed'))).toThrow(`${file}:1: journal of another plan`);
    appendFileSync(file, '{"unit":"x","state":"done"}\n');
    expect(() => openJournal(safeTarget(root), plan())).toThrow(`${file}:2: corrupt journal record`);
    writeFileSync(file, 'garbage\n');
    expect(() => openJournal(safeTarget(root), plan())).toThrow(`${file}:1: corrupt journal record`);
  });
});
