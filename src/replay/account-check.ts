/**
 * After applying: every user and group action of update's installed manifests must still hold
 * in the target (spec/reintegration.md "Files that need more than a copy"); the IPS library
 * re-applies what a merge lost, and this writes the files it changed.
 */
import * as fs from 'node:fs';
import { ACCOUNT_DBS, type AccountActionReport, type AccountFiles, type Action, applyAccountActions } from '../ips/index.js';
import { type OpContext, writeTargetFile } from './apply-op.js';
import { lstatOrUndefined, RefusedPathError } from './safe-target.js';

const KINDS = ['passwd', 'shadow', 'group', 'ftpusers'] as const satisfies readonly (keyof AccountFiles)[];

export function checkAccounts(actions: readonly Action[], today: number, ctx: OpContext): AccountActionReport[] {
  const at = (kind: keyof AccountFiles) => {
    const path = `/${ACCOUNT_DBS[kind].path}`;
    const real = ctx.target.check(path);
    const st = lstatOrUndefined(real);
    if (st && !st.isFile()) throw new RefusedPathError(path, 'not a regular file');
    return { path, real, st };
  };
  const before = Object.fromEntries(KINDS.map((kind) => {
    const { real, st } = at(kind);
    return [kind, st ? fs.readFileSync(real, 'latin1') : ''];
  })) as unknown as AccountFiles;
  const { files, reports } = applyAccountActions(before, actions, { today });
  for (const kind of KINDS) {
    if (files[kind] === before[kind]) continue;
    const { path, st } = at(kind);
    // A new file gets what illumos ships: root:sys, shadow readable by root only.
    const meta = st ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : { mode: kind === 'shadow' ? 0o400 : 0o644, uid: 0, gid: 3 };
    writeTargetFile(path, files[kind], meta, ctx);
  }
  return reports;
}
