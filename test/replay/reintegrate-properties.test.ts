/** Properties of plan + apply on real temporary directories (issue 5, "Tests"). */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/replay/apply-plan.js';
import { disjointScenarioArb, overlappingScenarioArb } from './arbitraries.js';
import { planScenario } from './scenario.js';
import { cloneTree, describeTree, tempDir, type Node, type Tree, writeTree } from './trees.js';

const RUNS = 50;

/** The target as a user sees it: preupd's state and the var it lives in left out. */
function userView(root: string): Record<string, string> {
  const view = describeTree(root);
  if (readdirSync(`${root}/var`, { withFileTypes: false }).every((n) => n === 'preupd' || n === 'pkg')) delete view['/var'];
  return view;
}

const sameIgnoringMtime = (x: Node | undefined, y: Node | undefined): boolean =>
  JSON.stringify(x && { ...x, mtime: 0 }) === JSON.stringify(y && { ...y, mtime: 0 });

/**
 * update, with every path the admin changed (mtime alone is no change) set to the admin's
 * version; a file whose contents the admin kept (R2: metadata only) keeps update's mtime.
 */
function withAdminEdits(base: Tree, admin: Tree, update: Tree): Tree {
  const out: Tree = { ...update };
  for (const path of new Set([...Object.keys(base), ...Object.keys(admin)])) {
    const [was, now, kept] = [base[path], admin[path], update[path]];
    if (sameIgnoringMtime(was, now)) continue;
    if (now?.kind === 'file' && was?.kind === 'file' && now.content === was.content && kept?.kind === 'file') out[path] = { ...now, mtime: kept.mtime };
    else if (now) out[path] = now;
    else delete out[path];
  }
  return out;
}

describe('reintegration properties', () => {
  it('with disjoint edits, the target equals update with the admin\'s edits applied', async () => {
    await fc.assert(fc.asyncProperty(disjointScenarioArb, async (s) => {
      const run = await planScenario(s);
      await applyPlan(run.plan, { target: run.target, roots: run.roots });
      const expected = tempDir();
      writeTree(expected, withAdminEdits(s.base, s.admin, s.update));
      expect(userView(run.target)).toEqual(describeTree(expected));
      expect(run.plan.steps.every((st) => st.outcome === 'carried')).toBe(true);
    }), { numRuns: RUNS });
  });

  it('with overlapping edits, every admin content is in the target: at its path, .old/.new, saved area or lost+found', async () => {
    await fc.assert(fc.asyncProperty(overlappingScenarioArb, async (s) => {
      const run = await planScenario(s);
      await applyPlan(run.plan, { target: run.target, roots: run.roots });
      const files = describeTree(run.target, []);
      const contents = (path: string) => Object.entries(files)
        .filter(([p]) => p === path || p === `${path}.old` || p === `${path}.new` ||
          p.startsWith(`/var/pkg/lost+found${path}-`) || (p.startsWith('/var/preupd/saved/') && p.endsWith(path)))
        .map(([p]) => readFileSync(`${run.target}${p}`, 'latin1'));
      for (const [rel, node] of Object.entries(s.admin)) {
        const before = s.base[rel];
        if (node.kind !== 'file' || (before?.kind === 'file' && before.content === node.content)) continue;
        const found = contents(`/${rel}`);
        // A clean R5.2 merge holds every line the admin wrote, not the admin's whole text.
        const merged = run.step(`/${rel}`)?.outcome === 'merged' || run.step(`/${rel}`)?.ops.some((op) => op.op === 'merge');
        const kept = merged
          ? node.content.split('\n').every((line) => found.some((text) => text.split('\n').includes(line)))
          : found.includes(node.content);
        expect(kept, `admin's /${rel} lost`).toBe(true);
      }
    }), { numRuns: RUNS });
  });

  it('applying a plan twice, even with its journal gone, gives the same target as applying it once', async () => {
    await fc.assert(fc.asyncProperty(overlappingScenarioArb, async (s) => {
      const run = await planScenario(s);
      await applyPlan(run.plan, { target: run.target, roots: run.roots });
      const once = describeTree(run.target, ['var/preupd/journal']);
      expect((await applyPlan(run.plan, { target: run.target, roots: run.roots })).alreadyApplied).toBe(true);
      rmSync(`${run.target}/var/preupd/journal`, { recursive: true });
      await applyPlan(run.plan, { target: run.target, roots: run.roots });
      expect(describeTree(run.target, ['var/preupd/journal'])).toEqual(once);
    }), { numRuns: RUNS });
  });

  it('killing the executor at random points, again during resumes, then resuming gives the target of an uninterrupted run', async () => {
    class Killed extends Error {}
    await fc.assert(fc.asyncProperty(overlappingScenarioArb, fc.array(fc.nat(40), { minLength: 1, maxLength: 3 }), async (s, kills) => {
      const run = await planScenario(s);
      const uninterrupted = `${run.target}-whole`;
      cloneTree(run.roots.update, uninterrupted);
      await applyPlan(run.plan, { target: uninterrupted, roots: run.roots });
      for (const killAt of kills) {
        let calls = 0;
        const crashPoint = () => {
          if (calls++ === killAt) throw new Killed();
        };
        try {
          await applyPlan(run.plan, { target: run.target, roots: run.roots, crashPoint });
        } catch (err) {
          if (!(err instanceof Killed) && !((err as Error).cause instanceof Killed)) throw err;
        }
      }
      await applyPlan(run.plan, { target: run.target, roots: run.roots });
      expect(describeTree(run.target, ['var/preupd/journal'])).toEqual(describeTree(uninterrupted, ['var/preupd/journal']));
    }), { numRuns: RUNS });
  });

  it('a symlink planted in admin never causes a write outside the target', async () => {
    await fc.assert(fc.asyncProperty(overlappingScenarioArb, fc.constantFrom('d0', 'd1', 'd1/e', 'evil'), async (s, at) => {
      const outside = tempDir('preupd-outside-');
      writeTree(outside, { 'f2': { kind: 'file', content: 'outside\n', mode: 0o644, mtime: 1 } });
      const before = describeTree(outside);
      const admin: Tree = Object.fromEntries(Object.entries(s.admin).filter(([p]) => p !== at && !p.startsWith(`${at}/`)));
      admin[at] = { kind: 'symlink', target: outside };
      const run = await planScenario({ ...s, admin });
      await applyPlan(run.plan, { target: run.target, roots: run.roots });
      expect(describeTree(outside)).toEqual(before);
    }), { numRuns: RUNS });
  });
});
