import {
  defaultBootfs,
  defaultIndex,
  findEntry,
  isCommand,
  LIBBE_FOOTER,
  lineEnding,
  menuEntries,
  menuEol,
  parseLine,
  setDefaultIndex,
  type Menu,
  type MenuLine,
} from './menu-lst.js';

export interface NewEntry {
  readonly title: string;
  /** The new BE's root dataset, e.g. `rpool/ROOT/preupd-0002`. */
  readonly bootfs: string;
  /** The BE it was cloned from: its entry, when present, is the model (be_append_menu). */
  readonly sourceBootfs?: string;
}

/**
 * Appends an entry as libbe's be_append_menu writes it (spec/illumos.md §6): from the source
 * BE's entry when there is one (its lines between `title` and `bootfs`, the new bootfs, then
 * its remaining lines without comments, blank lines, BOOTADM markers or the libbe footer),
 * otherwise the default GRUB shape; then the libbe footer. An entry with the same bootfs and
 * title is left alone; with another title it is removed first (removeEntry keeps `default` on
 * the BE it named when an earlier entry goes). Appending at the end never moves `default`, but
 * when the replaced entry was the one booting by default, `default` follows it to its new place:
 * the BE that booted keeps booting, even when that takes a `default` line the menu lacked.
 */
export function appendEntry(menu: Menu, entry: NewEntry): Menu {
  const existing = findEntry(menu, entry.bootfs);
  if (existing?.title === entry.title) return menu;
  const base = existing ? removeEntry(menu, entry.bootfs) : menu;
  const appended = appendLines(base, entry);
  // removeEntry moved `default` to the entry before the removed default (libbe's rule for a
  // BE that is gone); this BE is not gone, it is re-added last.
  if (existing === undefined || defaultBootfs(menu) !== entry.bootfs) return appended;
  const index = menuEntries(appended).length - 1;
  return defaultIndex(appended) === index ? appended : setDefaultIndex(appended, index);
}

/** The new entry's lines at the end of `base`, in be_append_menu's shape. */
function appendLines(base: Menu, entry: NewEntry): Menu {
  const source = entry.sourceBootfs === undefined ? undefined : findEntry(base, entry.sourceBootfs);
  const body = source ? copiedLines(base, source.start, source.end) : undefined;
  const texts = [
    `title ${entry.title}`,
    ...(body?.beforeBootfs ?? []),
    `bootfs ${entry.bootfs}`,
    ...(body?.afterBootfs ?? ['kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS', 'module$ /platform/i86pc/$ISADIR/boot_archive']),
    LIBBE_FOOTER,
  ];
  const eol = menuEol(base);
  const lines = [...base.lines];
  const last = lines.at(-1);
  // A last line without its newline would otherwise be joined to our title.
  if (last !== undefined && lineEnding(last.raw) === '') lines[lines.length - 1] = parseLine(`${last.raw}${eol}`);
  return { lines: [...lines, ...texts.map((text) => parseLine(`${text}${eol}`))] };
}

/** The source entry's command lines, split at its bootfs line, as be_append_menu collects them. */
function copiedLines(menu: Menu, start: number, end: number): { beforeBootfs: string[]; afterBootfs: string[] } {
  const commands = menu.lines.slice(start + 1, end).filter((line) => line.kind === 'command');
  const at = commands.findIndex((line) => isCommand(line, 'bootfs'));
  const text = (line: MenuLine) => line.raw.replace(/\r?\n$/, '');
  return {
    beforeBootfs: commands.slice(0, at).map(text),
    afterBootfs: commands
      .slice(at + 1)
      .map(text)
      .filter((line) => !line.includes('BOOTADM') && !line.includes(LIBBE_FOOTER)),
  };
}

/**
 * Removes the entries booting `bootfs` as be_remove_menu does: from the title line up to the
 * next title, keeping comment and blank lines after the bootfs line (bootadm's markers) but
 * not the libbe footer. `default` keeps pointing at the same entry when an earlier one goes;
 * when the default entry itself goes, it moves to the one before (libbe), or 0.
 */
export function removeEntry(menu: Menu, bootfs: string): Menu {
  const doomed = menuEntries(menu).filter((entry) => entry.bootfs === bootfs);
  if (doomed.length === 0) return menu;
  const drop = new Set<number>();
  for (const entry of doomed) {
    const bootfsAt = menu.lines.findIndex((line, i) => i > entry.start && i < entry.end && isCommand(line, 'bootfs'));
    for (let i = entry.start; i < entry.end; i++) {
      const line = menu.lines[i]!;
      if (i <= bootfsAt || line.kind === 'command' || line.raw.startsWith(LIBBE_FOOTER)) drop.add(i);
    }
  }
  const lines = menu.lines.filter((_, i) => !drop.has(i));
  const oldDefault = defaultIndex(menu);
  const removedUpTo = doomed.filter((entry) => entry.index <= oldDefault).length;
  if (removedUpTo === 0 || !lines.some((line) => isCommand(line, 'default'))) return { lines };
  return setDefaultIndex({ lines }, Math.max(0, oldDefault - removedUpTo));
}
