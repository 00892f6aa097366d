/**
 * The plan as JSON (`plan --json`, `-o plan.json`, `reintegrate --plan`). Paths are byte
 * strings: every char above 0x7f is written as `\u00XX`, so the file is plain ASCII and
 * reads back to the same bytes.
 */
import { asciiJson } from '../ascii-json.js';
import { InputError } from '../errors.js';
import { jsonError } from '../json-line.js';
import { ACCOUNT_DB_KINDS } from '../ips/index.js';
import { ENTRY_TYPES } from '../manifest/entry.js';
import { type Op, type Plan, STATE_DIR } from './plan-types.js';

/** JSON text, one line per key (see asciiJson). */
export function toAsciiJson(value: unknown): string {
  return `${asciiJson(value, 1)}\n`;
}

export function formatPlanJson(plan: Plan): string {
  return toAsciiJson(plan);
}

/**
 * Parses a plan and checks every field the report and the executor read, so a hand-edited
 * plan fails here, before anything is written (spec "Safety"); `file` names it in errors.
 */
export function parsePlanJson(text: string, file: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch (err) {
    const { line, what } = jsonError(text, err as Error);
    throw new InputError(file, line, `not a plan: ${what}`);
  }
  const fp = plan?.inputs?.fingerprint;
  const shapeOk =
    plan?.version === 1 && typeof plan.id === 'string' && /^[0-9a-f]{16}$/.test(plan.id) && /^\d{8}T\d{6}Z$/.test(plan.stamp) &&
    typeof fp?.base === 'string' && typeof fp.admin === 'string' && typeof fp.update === 'string' &&
    isCount(plan.unchanged) && isCount(plan.excluded) && typeof plan.bootArchive === 'boolean' && Array.isArray(plan.steps);
  if (!shapeOk) throw new InputError(file, undefined, 'not a preupd plan (version 1)');
  plan.steps.forEach((step: unknown, i) => {
    const problem = stepProblem(step);
    if (problem !== undefined) throw new InputError(file, undefined, `step ${i + 1}${describePath(step)}: ${problem}`);
  });
  return plan;
}

/** Absolute, no `.`/`..`/empty component, no NUL (spec "Safety": rejected at parse time). */
export function isCleanPath(path: string): boolean {
  return typeof path === 'string' && path.startsWith('/') && !path.includes('\0') &&
    path.split('/').slice(1).every((p) => p !== '' && p !== '.' && p !== '..');
}

/** A value of a plan field: what it must be, in words, and the test. */
type Field = readonly [what: string, ok: (value: unknown) => boolean];

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = (values: readonly unknown[]): Field => [`one of ${values.join(', ')}`, (v) => values.includes(v)];
const STRING: Field = ['a string', (v) => typeof v === 'string'];
const CLEAN_PATH: Field = ['a clean absolute path', (v) => isCleanPath(v as string)];
/**
 * Where ops may write: any clean path but preupd's own state, where only the saved area is
 * written (a plan that rewrote the journal could make a resume skip work).
 */
const TARGET_PATH: Field = ['a clean absolute path outside /var/preupd but its saved area', (v) => {
  const path = v as string;
  return isCleanPath(path) && (path.startsWith(`${STATE_DIR}/saved/`) || (path !== STATE_DIR && !path.startsWith(`${STATE_DIR}/`)));
}];
const META: Field = ['{mode, uid, gid, acl}', (v) =>
  isRecord(v) && isCount(v.mode) && (v.mode as number) <= 0o7777 && isCount(v.uid) && isCount(v.gid) && typeof v.acl === 'string'];
const MERGE: Field = ['a merge method', (v) =>
  isRecord(v) && (v.method === 'text' || v.method === 'majors' || (v.method === 'keyed' && ACCOUNT_DB_KINDS.includes(v.kind as never)))];
const MTIME: Field = ['a number', (v) => Number.isFinite(v)];
const ENTRY_TYPE = oneOf(ENTRY_TYPES);

/** Every op kind the executor knows, with the fields it reads: a new kind must be listed here. */
const OP_FIELDS: Readonly<Record<Op['op'], Readonly<Record<string, Field>>>> = {
  put: { path: TARGET_PATH, from: oneOf(['base', 'admin', 'update']), source: CLEAN_PATH, type: ENTRY_TYPE, meta: META, mtime: MTIME },
  merge: { path: TARGET_PATH, merge: MERGE, meta: META, mtime: MTIME },
  meta: { path: TARGET_PATH, meta: META },
  remove: { path: TARGET_PATH, type: ENTRY_TYPE },
  link: { path: TARGET_PATH, to: TARGET_PATH },
};

const STEP_FIELDS: Readonly<Record<string, Field>> = {
  path: CLEAN_PATH,
  rule: oneOf(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10']),
  outcome: oneOf(['carried', 'same', 'merged', 'conflict']),
  action: STRING,
  reason: STRING,
  saved: ['a list of saved copies', (v) => Array.isArray(v) && v.every((c) => isRecord(c) && (c.version === 'admin' || c.version === 'update') && isCleanPath(c.to as string))],
  ops: ['a list', Array.isArray],
};
const OPTIONAL_STEP_FIELDS: Readonly<Record<string, Field>> = {
  resolution: STRING,
  fields: ['a list of strings', (v) => Array.isArray(v) && v.every((f) => typeof f === 'string')],
};

/** What is wrong with a step or one of its ops, in words; undefined when it is fine. */
function stepProblem(step: unknown): string | undefined {
  if (!isRecord(step)) return 'not an object';
  const problem = fieldsProblem(step, STEP_FIELDS) ?? fieldsProblem(step, OPTIONAL_STEP_FIELDS, true);
  if (problem !== undefined) return problem;
  for (const [i, op] of (step.ops as unknown[]).entries()) {
    const kind = isRecord(op) ? op.op : undefined;
    const fields = typeof kind === 'string' && Object.hasOwn(OP_FIELDS, kind) ? OP_FIELDS[kind as Op['op']] : undefined;
    if (!fields) return `op ${i + 1}: unknown op ${JSON.stringify(kind) ?? 'missing'}`;
    const opProblem = fieldsProblem(op as Record<string, unknown>, fields);
    if (opProblem !== undefined) return `op ${i + 1} (${kind as string}): ${opProblem}`;
  }
  return undefined;
}

function fieldsProblem(value: Record<string, unknown>, fields: Readonly<Record<string, Field>>, optional = false): string | undefined {
  for (const [name, [what, ok]] of Object.entries(fields)) {
    if (!Object.hasOwn(value, name)) {
      if (optional) continue;
      return `${name} is missing`;
    }
    if (!ok(value[name])) return `${name} ${shown(value[name])} is not ${what}`;
  }
  return undefined;
}

/** A value for a one-line message: ASCII JSON, cut short. */
function shown(value: unknown): string {
  const text = asciiJson(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const describePath = (step: unknown): string => (isRecord(step) && typeof step.path === 'string' ? ` ${shown(step.path)}` : '');
