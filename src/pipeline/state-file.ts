import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { replaceFile } from '../replace-file.js';
import { jsonError } from '../json-line.js';
import { STATE_VERSION, type PreupdState } from './state.js';

/** The state file, on the state dataset's mount point (config.stateMountpoint). */
export const STATE_FILE = 'state.json';

/** The state in `dir`, or undefined before `preupd init`. A damaged file is an InputError naming it. */
export async function readState(dir: string): Promise<PreupdState | undefined> {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(file, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
  }
  return parseState(text, file);
}

/** Replaces the state atomically (never torn by a crash). Callers hold the lock (state-lock.ts). */
export async function writeState(dir: string, state: PreupdState): Promise<void> {
  await replaceFile(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644, syncDirectory: true });
}

type Shape = 'string' | 'number' | 'boolean' | 'string?';

const PRISTINE: Record<string, Shape> = { guid: 'string', name: 'string', sequence: 'number', parentGuid: 'string?', createdAt: 'string' };
const STAGED: Record<string, Shape> = {
  stageId: 'string',
  be: 'string',
  dataset: 'string',
  pristineGuid: 'string',
  baseGuid: 'string',
  status: 'string',
  activated: 'boolean',
  plan: 'string?',
  report: 'string?',
  finishReport: 'string?',
  conflicts: 'number',
  createdAt: 'string',
};
const STATUSES = ['staging', 'staged', 'finishing', 'finished'];

/** Checks the structure field by field, so a hand-edited file fails here and not mid-stage. */
export function parseState(text: string, file: string): PreupdState {
  const fail = (what: string): never => {
    throw new InputError(file, undefined, `damaged state: ${what}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const { line, what } = jsonError(text, err as Error);
    throw new InputError(file, line, `damaged state: ${what}`);
  }
  const state = raw as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  if (state.version !== STATE_VERSION) return fail(`version ${JSON.stringify(state.version)}, expected ${STATE_VERSION}`);
  if (!Array.isArray(state.pristine) || !Array.isArray(state.staged)) return fail('"pristine" and "staged" must be arrays');
  state.pristine.forEach((entry, i) => checkShape(entry, PRISTINE, `pristine[${i}]`, fail));
  state.staged.forEach((entry, i) => {
    checkShape(entry, STAGED, `staged[${i}]`, fail);
    const staged = entry as Record<string, unknown>;
    checkShape(staged.adminSnapshot, { guid: 'string', name: 'string' }, `staged[${i}].adminSnapshot`, fail);
    if (!STATUSES.includes(staged.status as string)) fail(`staged[${i}].status ${JSON.stringify(staged.status)}`);
  });
  if (state.running !== undefined) checkShape(state.running, { be: 'string', baseGuid: 'string' }, 'running', fail);
  return raw as PreupdState;
}

function checkShape(value: unknown, shape: Record<string, Shape>, where: string, fail: (what: string) => never): void {
  if (typeof value !== 'object' || value === null) fail(`${where} is not an object`);
  const obj = value as Record<string, unknown>;
  for (const [key, type] of Object.entries(shape)) {
    const optional = type.endsWith('?');
    if (optional && obj[key] === undefined) continue;
    if (typeof obj[key] !== type.replace('?', '')) fail(`${where}.${key} must be a ${type.replace('?', '')}`);
  }
}
