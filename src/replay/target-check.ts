/**
 * Whether `--target` is a copy of update, checked cheaply (issue 5 "Bad input"): every
 * top-level entry of update is in the target with the same type, unless the plan itself
 * changes that path.
 */
import * as fs from 'node:fs';
import { InputError } from '../errors.js';
import { fsPath } from '../walk/walk-fs.js';
import type { Plan } from './plan-types.js';

const kind = (st: fs.Stats): string => (st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'special file');

export function checkTargetIsCopyOfUpdate(target: string, update: string, plan: Plan): void {
  const planned = new Set(plan.steps.flatMap((s) => s.ops.map((op) => op.path)));
  for (const name of fs.readdirSync(fsPath(update), { encoding: 'latin1' }) as unknown as string[]) {
    if (planned.has(`/${name}`)) continue;
    const want = fs.lstatSync(fsPath(`${update}/${name}`));
    const have = fs.lstatSync(fsPath(`${target}/${name}`), { throwIfNoEntry: false });
    if (!have || kind(have) !== kind(want)) {
      throw new InputError(target, undefined, `not a copy of update: /${name} is ${have ? `a ${kind(have)}` : 'missing'}, update has a ${kind(want)}`);
    }
  }
}
