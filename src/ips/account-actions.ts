import { type Action, attr } from './action.js';
import { type AccountFiles, type Tables, loadTables, saveTables } from './account-tables.js';
import { groupProblems, installGroup } from './group-action.js';
import { installUser, userProblems } from './user-action.js';

/** One user or group action that does not hold in the files. */
export interface AccountActionReport {
  readonly action: Action;
  /** The username or groupname. */
  readonly name: string;
  /** What is wrong, in `pkg verify`'s words (`uid: '30' should be '25'`). */
  readonly problems: readonly string[];
  /** Whether applying it succeeded (only `applyAccountActions` applies). */
  readonly applied: boolean;
  /** Why pkg would refuse it, or what was left undone. */
  readonly notes: readonly string[];
}

export interface ApplyAccountOptions {
  /** Days since 1970-01-01: shadow `lastchg` of a row pkg rewrites. Passed in to stay pure. */
  readonly today: number;
}

/** The user and group actions that do not hold, without changing anything. */
export function checkAccountActions(files: AccountFiles, actions: Iterable<Action>): AccountActionReport[] {
  const tables = loadTables(files);
  return inInstallOrder(actions).flatMap((action) => {
    const problems = problemsOf(tables, action);
    return problems.length === 0 ? [] : [{ action, name: nameOf(action), problems, applied: false, notes: [] }];
  });
}

/**
 * Re-applies every user and group action that does not hold, as pkg would install it, and
 * returns the edited files with a report per action applied or refused. Groups go first,
 * as in pkg's install order, so users can name a group delivered alongside them.
 */
export function applyAccountActions(
  files: AccountFiles, actions: Iterable<Action>, options: ApplyAccountOptions,
): { files: AccountFiles; reports: AccountActionReport[] } {
  const tables = loadTables(files);
  const reports: AccountActionReport[] = [];
  for (const action of inInstallOrder(actions)) {
    const problems = problemsOf(tables, action);
    if (problems.length === 0) continue;
    const { applied, notes } = action.type === 'group' ? installGroup(tables, action) : installUser(tables, action, options.today);
    reports.push({ action, name: nameOf(action), problems, applied, notes });
  }
  return { files: saveTables(tables), reports };
}

function inInstallOrder(actions: Iterable<Action>): Action[] {
  const list = [...actions];
  return [...list.filter((a) => a.type === 'group'), ...list.filter((a) => a.type === 'user')];
}

function problemsOf(tables: Tables, action: Action): string[] {
  return action.type === 'group' ? groupProblems(tables, action) : userProblems(tables, action);
}

function nameOf(action: Action): string {
  return attr(action, action.type === 'group' ? 'groupname' : 'username') ?? '';
}
