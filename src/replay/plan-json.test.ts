import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathArb } from '../../test/arbitraries/manifest.js';
import { formatPlanJson, isCleanPath, parsePlanJson } from './plan-json.js';
import type { Plan } from './plan-types.js';

const planWith = (path: string): Plan => ({
  version: 1, id: '0123456789abcdef', stamp: '20261204T010203Z',
  inputs: { base: '/b', admin: '/a', update: '/u', fingerprint: { base: 'x', admin: 'y', update: 'z' } },
  unchanged: 0, excluded: 0, bootArchive: false,
  steps: [{ path, rule: 'R2', outcome: 'carried', action: 'delete file', reason: 'admin deleted it', saved: [], ops: [{ op: 'remove', path, type: 'F' }] }],
});

const meta = { mode: 0o644, uid: 0, gid: 0, acl: '' };
const putF = { op: 'put', path: '/f', from: 'admin', source: '/f', type: 'F', meta, mtime: 1_700_000_000 };
/** A plan whose one step on /f carries `op`, as a hand-edited plan.json would. */
const planText = (op: object): string =>
  formatPlanJson({ ...planWith('/f'), steps: [{ ...planWith('/f').steps[0]!, ops: [op as never] }] });

describe('plan JSON', () => {
  it('is ASCII and reads back to the same plan, byte-string paths included', () => {
    fc.assert(fc.property(pathArb.filter(isCleanPath), (path) => {
      const text = formatPlanJson(planWith(path));
      expect(text).toMatch(/^[\x00-\x7e]*$/);
      expect(parsePlanJson(text, 'plan.json')).toEqual(planWith(path));
    }), { numRuns: 200 });
  });

  it('names the file for text that is no plan', () => {
    expect(() => parsePlanJson('{', 'p.json')).toThrow(/^p\.json:1: not a plan: Expected property name or '}' in JSON at position 1$/);
    // One line, with its line number where Node gives the place (V8 quotes a snippet that may span lines).
    expect(() => parsePlanJson('{\n  "version": 1,\n  "id": }\n', 'p.json')).toThrow(/^p\.json: not a plan: Unexpected token '}'$/);
    expect(() => parsePlanJson('{\n  "version": 1\n  "id": 2}', 'p.json')).toThrow(/^p\.json:3: not a plan: Expected ',' or '}' after property value in JSON at position \d+$/);
    expect(() => parsePlanJson('{"version":2}', 'p.json')).toThrow('p.json: not a preupd plan (version 1)');
  });

  it.each(['/etc/../../x', 'etc/x', '/etc//x', '/a/\0'])('refuses a plan naming the unsafe path %j', (path) => {
    expect(() => parsePlanJson(formatPlanJson(planWith(path)), 'p.json')).toThrow(/^p\.json: step 1 .*: path .* is not a clean absolute path$/);
  });

  it('accepts every op the planner writes', () => {
    const ops = [
      putF,
      { op: 'merge', path: '/etc/passwd', merge: { method: 'keyed', kind: 'passwd' }, meta, mtime: 1 },
      { op: 'meta', path: '/f', meta },
      { op: 'link', path: '/g', to: '/f' },
      { ...putF, path: '/var/preupd/saved/20261204T010203Z/f' },
    ];
    for (const op of ops) expect(() => parsePlanJson(planText(op), 'p.json')).not.toThrow();
  });

  // Bug: only op paths were checked; an edited plan copied the host's /etc/shadow into the
  // target, skipped an unknown op as done, or failed halfway for a missing field.
  it.each([
    ['a source leaving the root', { ...putF, source: '/../../../../etc/shadow' }, 'op 1 (put): source "/../../../../etc/shadow" is not a clean absolute path'],
    ['an unknown op', { ...putF, op: 'frobnicate' }, 'op 1: unknown op "frobnicate"'],
    ['a missing field', { ...putF, meta: undefined }, 'op 1 (put): meta is missing'],
    ['a field of the wrong type', { ...putF, meta: { ...meta, uid: '0' } }, 'op 1 (put): meta {"mode":420,"uid":"0","gid":0,"acl":""} is not {mode, uid, gid, acl}'],
    ['an unknown root', { ...putF, from: 'target' }, 'op 1 (put): from "target" is not one of base, admin, update'],
    ['a write into the journal', { op: 'remove', path: '/var/preupd/journal/0123456789abcdef.log', type: 'F' }, 'op 1 (remove): path "/var/preupd/journal/0123456789abcdef.log" is not a clean absolute path outside /var/preupd but its saved area'],
    ['a link from outside', { op: 'link', path: '/g', to: '/../x' }, 'op 1 (link): to "/../x" is not a clean absolute path outside /var/preupd but its saved area'],
  ])('refuses %s, naming the step and op', (_, op, problem) => {
    expect(() => parsePlanJson(planText(op), 'p.json')).toThrow(`p.json: step 1 "/f": ${problem}`);
  });

  it('refuses a step without the fields the report prints', () => {
    const text = formatPlanJson({ ...planWith('/f'), steps: [{ ...planWith('/f').steps[0]!, rule: 'R99' as never }] });
    expect(() => parsePlanJson(text, 'p.json')).toThrow('p.json: step 1 "/f": rule "R99" is not one of R1, R2, R3, R4, R5, R6, R7, R8, R9, R10');
  });
});
