/**
 * Decisions that need more than one path: directories that must stay because update put
 * something inside (R2 "removed only down to what the admin deleted"), kept versions whose
 * name is taken (R5, R6, R8), hard links (R9), and whether the boot archive is affected.
 */
import { escapeName } from '../manifest/format.js';
import type { PlanSources } from './content-conflict.js';
import type { JoinedEntry } from './join.js';
import type { Op, PlanStep } from './plan-types.js';
import { NO_COPY, savedArea, saveCopy, type SaveNames } from './steps.js';

/**
 * A version kept beside its path as `PATH.old` or `PATH.new` (R5, R6, R8) must not land on an
 * entry of any root: the plan's step for that entry would overwrite or remove it, or it would
 * overwrite update's (a previous cycle leaves `PATH.old` behind). Such a copy goes to the saved
 * area instead (spec "Safety": nothing the admin wrote is lost); it and lost+found are excluded
 * and stamped, so no root has their names. `PATH.old` sorts after `PATH`, so the copy is known
 * before the entry that takes its name is seen.
 */
class TakenNames {
  private readonly wanted = new Set<string>();
  private readonly taken = new Set<string>();

  visit(joined: JoinedEntry, decided?: PlanStep): void {
    if (this.wanted.has(joined.path)) this.taken.add(joined.path);
    for (const copy of decided?.saved ?? []) this.wanted.add(copy.to);
  }

  /** The step with each copy whose name is taken moved to the saved area, and said so. */
  apply(s: PlanStep, names: SaveNames): PlanStep {
    const moved = new Set(s.saved.map((c) => c.to).filter((to) => this.taken.has(to)));
    if (moved.size === 0) return s;
    const to = savedArea(s.path, names);
    return {
      ...s,
      resolution: `${s.resolution}; but ${[...moved].map(escapeName).join(', ')} is taken: in the saved area instead`,
      saved: s.saved.map((c) => (moved.has(c.to) ? { ...c, to } : c)),
      ops: s.ops.map((op) => (op.op === 'put' && moved.has(op.path) ? { ...op, path: to } : op)),
    };
  }
}

/**
 * Tracks update's directories that a step removes or replaces, and keeps them when an entry
 * below them stays in the target. Parents precede children in manifest order, so a directory's
 * step is always seen before the entries that keep it. It also sees every path for TakenNames,
 * being the planner's one look at the whole stream.
 */
export class DirectoryGuard {
  private readonly vanishing = new Map<string, number>();
  private readonly keep = new Set<number>();
  private readonly takenNames = new TakenNames();

  /** `decided` is the path's step at `index` in the plan; none for unchanged and excluded paths. */
  visit(joined: JoinedEntry, decided?: PlanStep, index = -1): void {
    this.takenNames.visit(joined, decided);
    const staysAt = decided ? presentAfter(decided, joined) : joined.update !== undefined;
    if (joined.update?.type === 'D' && decided && !stillDirectory(decided, joined)) this.vanishing.set(joined.path, index);
    if (!staysAt) return;
    for (let p = parentOf(joined.path); p !== '/'; p = parentOf(p)) {
      const at = this.vanishing.get(p);
      if (at !== undefined) this.keep.add(at);
    }
  }

  /** The steps, with each kept directory's step turned into a reported conflict, and taken names moved. */
  apply(steps: readonly PlanStep[], joinedAt: (index: number) => JoinedEntry, names: SaveNames): PlanStep[] {
    return steps.map((s, i) => {
      if (!this.keep.has(i)) return this.takenNames.apply(s, names);
      const admin = joinedAt(i).admin;
      const copy = admin && admin.type !== 'D' ? saveCopy('admin', admin, savedArea(s.path, names)) : NO_COPY;
      return {
        ...s, outcome: 'conflict', action: 'keep directory', reason: `${s.reason}; update added entries inside, which stay`,
        resolution: copy.saved.length > 0 ? "update's directory; admin's version in the saved area" : 'directory kept with what update added',
        saved: copy.saved, ops: copy.ops,
      };
    });
  }
}

const parentOf = (path: string): string => path.slice(0, Math.max(path.lastIndexOf('/'), 1)) || '/';
const writesAt = (s: PlanStep, path: string): Op | undefined => s.ops.find((op) => op.path === path && op.op !== 'meta');

function presentAfter(s: PlanStep, joined: JoinedEntry): boolean {
  const op = writesAt(s, joined.path);
  return op ? op.op !== 'remove' : joined.update !== undefined;
}

function stillDirectory(s: PlanStep, joined: JoinedEntry): boolean {
  const op = writesAt(s, joined.path);
  return !op || (op.op === 'put' && op.type === 'D');
}

/**
 * R9: admin files that share an inode are written once and linked, when every name of the
 * inode is carried (link count = carried names); otherwise each is copied on its own.
 */
export async function linkAdminHardLinks(steps: readonly PlanStep[], sources: PlanSources): Promise<PlanStep[]> {
  const groups = new Map<string, { nlink: number; members: number[] }>();
  for (const [i, s] of steps.entries()) {
    const put = s.ops.find((op) => op.op === 'put' && op.from === 'admin' && op.type === 'F' && op.source === op.path);
    if (!put) continue;
    const inode = await sources.inode('admin', s.path);
    if (!inode || inode.nlink < 2) continue;
    const group = groups.get(inode.key) ?? { nlink: inode.nlink, members: [] };
    group.members.push(i);
    groups.set(inode.key, group);
  }
  const out = [...steps];
  for (const { nlink, members } of groups.values()) {
    if (members.length !== nlink) continue;
    const first = steps[members[0]!]!.path;
    const quoted = escapeName(first); // as the report quotes paths: one line per step
    for (const i of members.slice(1)) {
      const s = steps[i]!;
      const ops = s.ops.map((op): Op => (op.op === 'put' && op.path === s.path ? { op: 'link', path: s.path, to: first } : op));
      out[i] = { ...s, rule: 'R9', action: `hard link to ${quoted}`, reason: `${s.reason}; same inode as ${quoted} in admin`, ops };
    }
  }
  return out;
}

/** Whether a step touches something listed in update's boot/solaris/filelist.ramdisk. */
export async function ramdiskTouched(steps: readonly PlanStep[], sources: PlanSources): Promise<boolean> {
  const list = await sources.read('update', '/boot/solaris/filelist.ramdisk');
  if (list === undefined) return false;
  const listed = list.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => `/${l.replace(/^\/+|\/+$/g, '')}`);
  return steps.some((s) => s.ops.some((op) => listed.some((l) => op.path === l || op.path.startsWith(`${l}/`))));
}
