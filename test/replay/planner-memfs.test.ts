/** The planner on memfs, against a plain classification of the literal trees (the oracle). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planTrees } from '../../src/replay/plan-trees.js';
import type { RuleId } from '../../src/replay/plan-types.js';
import { disjointScenarioArb, overlappingScenarioArb } from './arbitraries.js';
import { memRoots } from './mem-roots.js';
import { preserveIndex } from './scenario.js';
import type { Node, Tree } from './trees.js';

const same = (x: Node | undefined, y: Node | undefined) => JSON.stringify(x && { ...x, mtime: 0 }) === JSON.stringify(y && { ...y, mtime: 0 });
const sameContent = (x: Node, y: Node) => x.kind === 'file' && y.kind === 'file' ? x.content === y.content : x.kind === y.kind;

/** The rule spec/reintegration.md names for a path, read straight off the trees (no R9 here: no hard links). */
function expectedRule(base: Node | undefined, admin: Node | undefined, update: Node | undefined): RuleId | undefined {
  if (same(base, admin)) return undefined;
  if (same(base, update)) return 'R2';
  if (!base) return 'R8';
  if (same(admin, update)) return 'R3';
  if (!admin) return 'R6';
  if (!update) return 'R7';
  return !sameContent(base, admin) && !sameContent(base, update) && !sameContent(admin, update) ? 'R5' : 'R4';
}

function expectedSteps(s: { base: Tree; admin: Tree; update: Tree }): Array<[string, RuleId]> {
  const paths = [...new Set([...Object.keys(s.base), ...Object.keys(s.admin), ...Object.keys(s.update)])].sort();
  return paths.flatMap((p) => {
    const rule = expectedRule(s.base[p], s.admin[p], s.update[p]);
    return rule ? [[`/${p}`, rule] as [string, RuleId]] : [];
  });
}

async function planOnMemfs(s: { base: Tree; admin: Tree; update: Tree; preserve?: Record<string, string> }) {
  const mem = memRoots(s);
  const plan = await planTrees(mem.roots, { walk: mem.walk, sourceFs: mem.sourceFs, pathIndexes: { update: preserveIndex(s.preserve), base: new Map() } });
  return plan.steps.map((st) => [st.path, st.rule] as [string, RuleId]).sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('planner on memfs', () => {
  it('with disjoint edits, plans exactly one R2 step per path the admin changed', async () => {
    await fc.assert(fc.asyncProperty(disjointScenarioArb, async (s) => {
      expect(await planOnMemfs(s)).toEqual(expectedSteps(s));
    }), { numRuns: 100 });
  });

  it('with overlapping edits, picks the rule the trees call for at every path', async () => {
    await fc.assert(fc.asyncProperty(overlappingScenarioArb, async (s) => {
      expect(await planOnMemfs(s)).toEqual(expectedSteps(s));
    }), { numRuns: 100 });
  });
});
