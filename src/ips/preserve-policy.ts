import { type Action, actionsDiffer, attr } from './action.js';

/** The file on disk compared with the installed (orig) action's content. */
export type DiskState = 'missing' | 'equal' | 'modified';

export interface FileUpgrade {
  /** The file action of the installed version; absent when the new version adds the path. */
  readonly orig?: Action;
  /** The file action being installed. */
  readonly next: Action;
  /** With no `orig`, any existing file counts as `modified` (pkg: "unpackaged file"). */
  readonly disk: DiskState;
  /** The destination version is older than the installed one. */
  readonly downgrade?: boolean;
}

/** What pkg leaves behind for one path. */
export interface PkgFileOutcome {
  /** Content at the path afterwards: the new packaged content, or whatever was on disk. */
  readonly atPath: 'new' | 'disk';
  /** The disk file was renamed to `<path><suffix>` first. */
  readonly diskMovedTo?: '.old' | '.legacy' | '.update';
  /** The new content went to `<path>.new` instead. */
  readonly newWrittenTo?: '.new';
  /** The new action's owner, group and mode were applied to the path. */
  readonly attrsApplied: boolean;
}

/** pkg's internal verdict (`file.py` `_check_preserve`): true = keep content, false = deliver. */
type Preservation = boolean | 'abandon' | 'legacy' | 'renameold' | 'renamenew' | 'renameold.update';

const UNTOUCHED: PkgFileOutcome = { atPath: 'disk', attrsApplied: false };
const DELIVER: PkgFileOutcome = { atPath: 'new', attrsApplied: true };

/**
 * What pkg itself does to a path on upgrade (spec/illumos.md §2.2–§2.3, pkg5(OI) `file.py`).
 * Modern pkg only: the 2009.06 rules (§2.5) differ for `true` on modified files.
 */
export function pkgFileOutcome(upgrade: FileUpgrade): PkgFileOutcome {
  // pkg plans nothing for an action identical in both versions (§2.3 precondition).
  if (upgrade.orig && !actionsDiffer(upgrade.orig, upgrade.next)) return UNTOUCHED;
  const verdict = preservation(upgrade);
  switch (verdict) {
    case false:
      return DELIVER;
    case true:
      return upgrade.disk === 'missing' ? UNTOUCHED : { atPath: 'disk', attrsApplied: true };
    case 'abandon':
      return UNTOUCHED;
    case 'legacy': {
      const origLegacy = upgrade.orig && attr(upgrade.orig, 'preserve') === 'legacy';
      return origLegacy || upgrade.disk === 'missing' ? DELIVER : { ...DELIVER, diskMovedTo: '.legacy' };
    }
    case 'renameold':
      return { ...DELIVER, diskMovedTo: '.old' };
    case 'renameold.update':
      return { ...DELIVER, diskMovedTo: '.update' };
    case 'renamenew':
      return { atPath: 'disk', newWrittenTo: '.new', attrsApplied: false };
  }
}

function preservation({ orig, next, disk, downgrade }: FileUpgrade): Preservation {
  const preserve = attr(next, 'preserve');
  // ELF files are never preserved (`file.py` l.590-595).
  if (preserve === undefined || attr(next, 'elfhash') !== undefined) return false;
  if (preserve === 'abandon') return 'abandon';
  if (preserve === 'legacy') return orig ? 'legacy' : true;
  if (preserve === 'install-only') return orig !== undefined || disk !== 'missing';
  // No common hash counts as changed content.
  const changed = orig === undefined || orig.hash === undefined || orig.hash !== next.hash;
  if (orig && downgrade && changed) {
    if (disk === 'missing') return false;
    return disk === 'modified' ? preserveVersionVerdict(orig, next) : true;
  }
  if (disk !== 'missing') {
    if (orig === undefined || disk === 'modified') {
      return preserve === 'renameold' || preserve === 'renamenew' ? preserve : true;
    }
    if (!changed) return true;
  }
  return false;
}

/** `.update` only when the installed `preserve-version` is greater (missing counts as 0). */
function preserveVersionVerdict(orig: Action, next: Action): Preservation {
  const installed = attr(orig, 'preserve-version') ?? '0';
  const incoming = attr(next, 'preserve-version') ?? '0';
  return compareDotted(installed, incoming) > 0 ? 'renameold.update' : true;
}

function compareDotted(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
