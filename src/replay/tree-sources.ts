/** PlanSources over three directory trees (node:fs, or memfs in tests): the planner's only reads. */
import * as nodeFs from 'node:fs';
import { fsPath } from '../walk/walk-fs.js';
import type { PlanSources } from './content-conflict.js';
import type { RootName } from './plan-types.js';

export type SourceFs = Pick<typeof nodeFs, 'readFileSync' | 'lstatSync'>;

export function treeSources(roots: Readonly<Record<RootName, string>>, fs: SourceFs = nodeFs): PlanSources {
  const at = (root: RootName, path: string) => fsPath(roots[root] + path);
  return {
    read: async (root, path) => {
      try {
        return fs.readFileSync(at(root, path), 'latin1') as string;
      } catch {
        return undefined; // unreadable: no merge, R5.3 decides
      }
    },
    inode: async (root, path) => {
      const st = fs.lstatSync(at(root, path), { throwIfNoEntry: false });
      return st?.isFile() ? { key: `${st.dev}:${st.ino}`, nlink: st.nlink } : undefined;
    },
  };
}
