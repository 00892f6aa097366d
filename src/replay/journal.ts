/**
 * The write-ahead log of an apply (spec/reintegration.md "Safety"): one JSON line per record
 * in `<state>/journal/<plan id>.log` inside the target, synced before the work it announces.
 * Units are idempotent, so resuming redoes every unit without a `done` record (leaving, in one
 * not begun, a path changed in the target since the pass began: resume-check.ts). A `done` record
 * carries what its unit reported (refusals, account re-applications), so a resume or a rerun
 * reports the whole run, not only what its own process did.
 */
import * as fs from 'node:fs';
import { asciiJson } from '../ascii-json.js';
import { InputError } from '../errors.js';
import { ACCOUNT_DB_KINDS, type AccountActionReport, type AccountFiles, formatAction, parseAction } from '../ips/index.js';
import { parsePlanJson } from './plan-json.js';
import { STATE_DIR, type Plan } from './plan-types.js';
import { lstatOrUndefined, RefusedPathError, type SafeTarget } from './safe-target.js';

/** A path the executor would not write; reported, never fatal. */
export interface Refusal {
  readonly path: string;
  readonly why: string;
}

/** What a unit reported. */
export interface UnitOutcome {
  readonly refused: readonly Refusal[];
  readonly accounts: readonly AccountActionReport[];
}

/**
 * The account check's changes (account-check.ts), decided before any is written and journaled
 * with its `begin`: a resume writes the same again. Deciding anew would read files the killed
 * run had half rewritten, and decide (and report) less. The journal is private (0600 in a
 * 0700 directory), as the saved area, which holds shadow too.
 */
export interface AccountRepair {
  readonly files: Partial<AccountFiles>;
  readonly reports: readonly AccountActionReport[];
}

/** An account report as the journal holds it: the action as text. */
type JournaledAccount = Omit<AccountActionReport, 'action'> & { readonly action: string };

type JournalRecord =
  | { readonly plan: string; readonly fingerprint: Plan['inputs']['fingerprint'] }
  | {
      readonly unit: number; readonly state: 'begin';
      readonly repair?: { readonly files: Partial<AccountFiles>; readonly accounts: readonly JournaledAccount[] };
      /** Paths a resumed run's check left as they are (resume-check.ts): a redo leaves them too. */
      readonly left?: readonly Refusal[];
    }
  | { readonly unit: number; readonly state: 'done'; readonly refused?: readonly Refusal[]; readonly accounts?: readonly JournaledAccount[] }
  | { readonly state: 'complete' };

export interface Journal {
  readonly done: ReadonlySet<number>;
  readonly complete: boolean;
  /**
   * An earlier process opened this journal: the run is a resume, whatever it recorded (it may
   * have died before its first unit, e.g. keeping the plan beside the journal on a full disk).
   */
  readonly resumed: boolean;
  /** What the units done before this opening reported, in the order they were done. */
  readonly earlier: UnitOutcome;
  /** The plan is already kept beside the journal (journalPlanPath). */
  readonly planKept: boolean;
  /** Repairs journaled with a `begin` whose unit is not done: to write again, as they are. */
  readonly repairs: ReadonlyMap<number, AccountRepair>;
  /**
   * Units with a `begin` but no `done` (the one an earlier process died in), each with the
   * paths its `begin` said were left as they are.
   */
  readonly begun: ReadonlyMap<number, readonly Refusal[]>;
  begin(unit: number, extra?: { readonly repair?: AccountRepair; readonly left?: readonly Refusal[] }): void;
  finish(unit: number, outcome?: Partial<UnitOutcome>): void;
  finishAll(): void;
  close(): void;
}

export const journalPath = (plan: Plan): string => `${STATE_DIR}/journal/${plan.id}.log`;
/** The plan beside its journal: the one a resume carries on with (its stamp names saved copies). */
export const journalPlanPath = (plan: Plan): string => `${STATE_DIR}/journal/${plan.id}.plan.json`;

/**
 * The plan an earlier apply of the same inputs was started with, when there is one: a resume
 * must carry on with it, since a fresh plan of the same inputs names its saved copies (the
 * saved area, lost+found) with another stamp. Otherwise `plan` itself.
 */
export function planOfJournal(target: SafeTarget, plan: Plan): Plan {
  const path = journalPlanPath(plan);
  const at = target.check(path);
  const st = lstatOrUndefined(at);
  if (!st) return plan;
  const file = `${target.root}${path}`;
  if (!st.isFile()) throw new RefusedPathError(path, 'the journal\'s plan is not a regular file');
  const journaled = parsePlanJson(fs.readFileSync(at, 'latin1'), file);
  if (journaled.id !== plan.id || JSON.stringify(journaled.inputs.fingerprint) !== JSON.stringify(plan.inputs.fingerprint)) {
    throw new InputError(file, undefined, 'plan of other inputs than its journal');
  }
  return journaled;
}

/** What an earlier apply of this plan recorded, read only (a dry run predicts a resume from it). */
export function readJournal(target: SafeTarget, plan: Plan): Pick<Journal, 'done' | 'complete' | 'resumed' | 'earlier' | 'repairs' | 'begun'> {
  const path = journalPath(plan);
  return readRecords(journalText(target, path), `${target.root}${path}`, plan);
}

function journalText(target: SafeTarget, path: string): string {
  const at = target.check(path);
  const existing = lstatOrUndefined(at);
  if (existing && !existing.isFile()) throw new RefusedPathError(path, 'the journal is not a regular file');
  return existing ? fs.readFileSync(at, 'latin1') : '';
}

/** Reads what an earlier, interrupted apply of this plan recorded, then appends to it. */
export function openJournal(target: SafeTarget, plan: Plan): Journal {
  const path = journalPath(plan);
  // preupd's own directories are private: saved copies may hold the admin's secrets (shadow).
  target.makeParents(path, (dir) => ({ mode: dir === STATE_DIR || dir.startsWith(`${STATE_DIR}/`) ? 0o700 : 0o755 }));
  const text = journalText(target, path);
  const { done, complete, resumed, earlier, repairs, begun } = readRecords(text, `${target.root}${path}`, plan);
  const planKept = lstatOrUndefined(target.check(journalPlanPath(plan))) !== undefined;
  const fd = fs.openSync(target.check(path), fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
  // Drop a torn last record, so the next one starts on a line of its own.
  fs.ftruncateSync(fd, text.lastIndexOf('\n') + 1);
  const append = (record: JournalRecord) => {
    // ASCII: names are byte strings, and the journal is read back as latin1.
    fs.writeSync(fd, `${asciiJson(record)}\n`);
    fs.fdatasyncSync(fd);
  };
  if (!resumed) append({ plan: plan.id, fingerprint: plan.inputs.fingerprint });
  return {
    done,
    complete,
    resumed,
    earlier,
    planKept,
    repairs,
    begun,
    begin: (unit, { repair, left = [] } = {}) => append({
      unit, state: 'begin',
      ...(repair ? { repair: { files: repair.files, accounts: repair.reports.map(journaledAccount) } } : {}),
      ...(left.length > 0 ? { left } : {}),
    }),
    finish: (unit, { refused = [], accounts = [] } = {}) => append({
      unit, state: 'done',
      ...(refused.length > 0 ? { refused } : {}),
      ...(accounts.length > 0 ? { accounts: accounts.map(journaledAccount) } : {}),
    }),
    finishAll: () => append({ state: 'complete' }),
    close: () => fs.closeSync(fd),
  };
}

const journaledAccount = (r: AccountActionReport): JournaledAccount => ({ ...r, action: formatAction(r.action) });
const accountOf = (r: JournaledAccount): AccountActionReport => ({ ...r, action: parseAction(r.action) });

/** A torn last line (killed mid-write) is dropped; anything else unreadable is a corrupt journal. */
function readRecords(text: string, file: string, plan: Plan): {
  done: Set<number>; complete: boolean; resumed: boolean; earlier: UnitOutcome; repairs: Map<number, AccountRepair>; begun: Map<number, readonly Refusal[]>;
} {
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn record
  const done = new Set<number>();
  const repairs = new Map<number, AccountRepair>();
  const begun = new Map<number, readonly Refusal[]>();
  const refused: Refusal[] = [];
  const accounts: AccountActionReport[] = [];
  let complete = false;
  lines.forEach((line, i) => {
    const record = parse(line, file, i + 1);
    if (i === 0) {
      if (!('plan' in record) || record.plan !== plan.id || JSON.stringify(record.fingerprint) !== JSON.stringify(plan.inputs.fingerprint)) {
        throw new InputError(file, 1, 'journal of another plan');
      }
    } else if ('unit' in record && record.state === 'begin') {
      begun.set(record.unit, record.left ?? []);
      if (record.repair) repairs.set(record.unit, { files: record.repair.files, reports: record.repair.accounts.map(accountOf) });
    } else if ('unit' in record && record.state === 'done') {
      done.add(record.unit);
      begun.delete(record.unit);
      repairs.delete(record.unit);
      refused.push(...(record.refused ?? []));
      accounts.push(...(record.accounts ?? []).map(accountOf));
    } else if ('state' in record && record.state === 'complete') complete = true;
  });
  return { done, complete, resumed: lines.length > 0, earlier: { refused, accounts }, repairs, begun };
}

const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isRefusal = (v: unknown): boolean => typeof (v as Refusal)?.path === 'string' && typeof (v as Refusal).why === 'string';
function isJournaledAccount(v: unknown): boolean {
  const r = v as JournaledAccount;
  if (typeof r?.action !== 'string' || typeof r.name !== 'string' || typeof r.applied !== 'boolean' || !isStrings(r.problems) || !isStrings(r.notes)) return false;
  try {
    return ['user', 'group'].includes(parseAction(r.action).type);
  } catch {
    return false;
  }
}
const isListOf = (v: unknown, ok: (item: unknown) => boolean): boolean => v === undefined || (Array.isArray(v) && v.every(ok));
function isRepair(v: unknown): boolean {
  const r = v as { files?: Record<string, unknown>; accounts?: unknown };
  return typeof r?.files === 'object' && r.files !== null && Object.entries(r.files).every(([kind, text]) => ACCOUNT_DB_KINDS.includes(kind as never) && typeof text === 'string') &&
    Array.isArray(r.accounts) && isListOf(r.accounts, isJournaledAccount);
}

function parse(line: string, file: string, lineNo: number): JournalRecord {
  try {
    const record = JSON.parse(line) as JournalRecord;
    const valid =
      ('plan' in record && typeof record.plan === 'string') ||
      ('unit' in record && Number.isInteger(record.unit) && ((record.state === 'begin' && (record.repair === undefined || isRepair(record.repair)) && isListOf(record.left, isRefusal)) ||
        (record.state === 'done' && isListOf(record.refused, isRefusal) && isListOf(record.accounts, isJournaledAccount)))) ||
      (record as { state?: unknown }).state === 'complete';
    if (valid) return record;
  } catch {
    // reported below, with the line
  }
  throw new InputError(file, lineNo, 'corrupt journal record');
}
