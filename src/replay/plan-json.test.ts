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

describe('plan JSON', () => {
  it('is ASCII and reads back to the same plan, byte-string paths included', () => {
    fc.assert(fc.property(pathArb.filter(isCleanPath), (path) => {
      const text = formatPlanJson(planWith(path));
      expect(text).toMatch(/^[\x00-\x7e]*$/);
      expect(parsePlanJson(text, 'plan.json')).toEqual(planWith(path));
    }), { numRuns: 200 });
  });

  it('names the file for text that is no plan', () => {
    expect(() => parsePlanJson('{', 'p.json')).toThrow(/^p\.json: not a plan: /);
    expect(() => parsePlanJson('{"version":2}', 'p.json')).toThrow('p.json: not a preupd plan (version 1)');
  });

  it.each(['/etc/../../x', 'etc/x', '/etc//x', '/a/\0'])('refuses a plan naming the unsafe path %j', (path) => {
    expect(() => parsePlanJson(formatPlanJson(planWith(path)), 'p.json')).toThrow(/p\.json: plan names an unsafe path/);
  });
});
