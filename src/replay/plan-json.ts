/**
 * The plan as JSON (`plan --json`, `-o plan.json`, `reintegrate --plan`). Paths are byte
 * strings: every char above 0x7f is written as `\u00XX`, so the file is plain ASCII and
 * reads back to the same bytes.
 */
import { asciiJson } from '../ascii-json.js';
import { InputError } from '../errors.js';
import type { Plan } from './plan-types.js';

/** JSON text, one line per key (see asciiJson). */
export function toAsciiJson(value: unknown): string {
  return `${asciiJson(value, 1)}\n`;
}

export function formatPlanJson(plan: Plan): string {
  return toAsciiJson(plan);
}

/** Parses and checks the shape a plan must have; `file` names it in errors. */
export function parsePlanJson(text: string, file: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch (err) {
    throw new InputError(file, undefined, `not a plan: ${(err as Error).message}`);
  }
  const fp = plan?.inputs?.fingerprint;
  const shapeOk =
    plan?.version === 1 && typeof plan.id === 'string' && /^[0-9a-f]{16}$/.test(plan.id) && /^\d{8}T\d{6}Z$/.test(plan.stamp) &&
    typeof fp?.base === 'string' && typeof fp.admin === 'string' && typeof fp.update === 'string' &&
    Array.isArray(plan.steps) && plan.steps.every((s) => typeof s?.path === 'string' && Array.isArray(s.ops) && Array.isArray(s.saved));
  if (!shapeOk) throw new InputError(file, undefined, 'not a preupd plan (version 1)');
  const badPath = plan.steps.flatMap((s) => s.ops.map((op) => op.path)).find((p) => !isCleanPath(p));
  if (badPath !== undefined) throw new InputError(file, undefined, `plan names an unsafe path: ${JSON.stringify(badPath)}`);
  return plan;
}

/** Absolute, no `.`/`..`/empty component, no NUL (spec "Safety": rejected at parse time). */
export function isCleanPath(path: string): boolean {
  return typeof path === 'string' && path.startsWith('/') && !path.includes('\0') &&
    path.split('/').slice(1).every((p) => p !== '' && p !== '.' && p !== '..');
}
