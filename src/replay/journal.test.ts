import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/replay/trees.js';
import { formatAction, parseAction } from '../ips/index.js';
import { journalPath, journalPlanPath, openJournal, planOfJournal, readJournal } from './journal.js';
import { formatPlanJson } from './plan-json.js';
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

  it('gives back what earlier units reported, refusals and re-applied accounts', () => {
    const root = tempDir();
    const first = openJournal(safeTarget(root), plan());
    first.finish(0, { refused: [{ path: '/fifo', why: 'no mknod' }] });
    first.finish(1, { accounts: [{ action: parseAction('user username=svc uid=60'), name: 'svc', problems: ['p'], applied: true, notes: [] }] });
    first.close();
    const { earlier } = readJournal(safeTarget(root), plan());
    expect(earlier.refused).toEqual([{ path: '/fifo', why: 'no mknod' }]);
    expect(earlier.accounts.map((r) => [formatAction(r.action), r.name, r.applied])).toEqual([['user uid=60 username=svc', 'svc', true]]);
  });

  it('hands back the plan it was started with to a resume with a fresh plan of the same inputs', () => {
    const root = tempDir();
    const first = plan();
    mkdirSync(`${root}/var/preupd/journal`, { recursive: true });
    writeFileSync(`${root}${journalPlanPath(first)}`, formatPlanJson(first));
    expect(planOfJournal(safeTarget(root), { ...first, stamp: '20991231T235959Z' })).toEqual(first);
    expect(() => planOfJournal(safeTarget(root), plan('changed'))).toThrow('plan of other inputs than its journal');
  });
});
