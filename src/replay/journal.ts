/**
 * The write-ahead log of an apply (spec/reintegration.md "Safety"): one JSON line per record
 * in `<state>/journal/<plan id>.log` inside the target, synced before the work it announces.
 * Units are idempotent, so resuming redoes every unit without a `done` record.
 */
import * as fs from 'node:fs';
import { InputError } from '../errors.js';
import { STATE_DIR, type Plan } from './plan-types.js';
import { lstatOrUndefined, RefusedPathError, type SafeTarget } from './safe-target.js';

type JournalRecord =
  | { readonly plan: string; readonly fingerprint: Plan['inputs']['fingerprint'] }
  | { readonly unit: number; readonly state: 'begin' | 'done' }
  | { readonly state: 'complete' };

export interface Journal {
  readonly done: ReadonlySet<number>;
  readonly complete: boolean;
  begin(unit: number): void;
  finish(unit: number): void;
  finishAll(): void;
  close(): void;
}

export const journalPath = (plan: Plan): string => `${STATE_DIR}/journal/${plan.id}.log`;

/** Reads what an earlier, interrupted apply of this plan recorded, then appends to it. */
export function openJournal(target: SafeTarget, plan: Plan): Journal {
  const path = journalPath(plan);
  // preupd's own directories are private: saved copies may hold the admin's secrets (shadow).
  target.makeParents(path, (dir) => ({ mode: dir === STATE_DIR || dir.startsWith(`${STATE_DIR}/`) ? 0o700 : 0o755 }));
  const at = target.check(path);
  const existing = lstatOrUndefined(at);
  if (existing && !existing.isFile()) throw new RefusedPathError(path, 'the journal is not a regular file');
  const text = existing ? fs.readFileSync(at, 'latin1') : '';
  const { done, complete, fresh } = readRecords(text, `${target.root}${path}`, plan);
  const fd = fs.openSync(at, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
  // Drop a torn last record, so the next one starts on a line of its own.
  fs.ftruncateSync(fd, text.lastIndexOf('\n') + 1);
  const append = (record: JournalRecord) => {
    fs.writeSync(fd, `${JSON.stringify(record)}\n`);
    fs.fdatasyncSync(fd);
  };
  if (fresh) append({ plan: plan.id, fingerprint: plan.inputs.fingerprint });
  return {
    done,
    complete,
    begin: (unit) => append({ unit, state: 'begin' }),
    finish: (unit) => append({ unit, state: 'done' }),
    finishAll: () => append({ state: 'complete' }),
    close: () => fs.closeSync(fd),
  };
}

/** A torn last line (killed mid-write) is dropped; anything else unreadable is a corrupt journal. */
function readRecords(text: string, file: string, plan: Plan): { done: Set<number>; complete: boolean; fresh: boolean } {
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn record
  const done = new Set<number>();
  let complete = false;
  lines.forEach((line, i) => {
    const record = parse(line, file, i + 1);
    if (i === 0) {
      if (!('plan' in record) || record.plan !== plan.id || JSON.stringify(record.fingerprint) !== JSON.stringify(plan.inputs.fingerprint)) {
        throw new InputError(file, 1, 'journal of another plan');
      }
    } else if ('unit' in record && record.state === 'done') done.add(record.unit);
    else if ('state' in record && record.state === 'complete') complete = true;
  });
  return { done, complete, fresh: lines.length === 0 };
}

function parse(line: string, file: string, lineNo: number): JournalRecord {
  try {
    const record = JSON.parse(line) as JournalRecord;
    const valid =
      ('plan' in record && typeof record.plan === 'string') ||
      ('unit' in record && Number.isInteger(record.unit) && (record.state === 'begin' || record.state === 'done')) ||
      (record as { state?: unknown }).state === 'complete';
    if (valid) return record;
  } catch {
    // reported below, with the line
  }
  throw new InputError(file, lineNo, 'corrupt journal record');
}
