/**
 * GRUB legacy `menu.lst` as libbe reads it (spec/illumos.md §6): a sequence of lines; a
 * `title` line starts an entry; an entry is identified by its `bootfs <dataset>` line.
 * Lines keep their exact text and line ending, so formatMenu(parseMenu(text)) === text for
 * any text, and an edit changes only the lines it means to.
 */

export type MenuLine =
  | { readonly kind: 'blank' | 'comment'; readonly raw: string }
  | { readonly kind: 'command'; readonly raw: string; readonly keyword: string; readonly arg: string };

export interface Menu {
  readonly lines: readonly MenuLine[];
}

export interface MenuEntry {
  /** 0-based, as GRUB's `default` counts. */
  readonly index: number;
  readonly title: string;
  readonly bootfs: string | undefined;
  /** Line range [start, end): the title line up to the next title (or the end). */
  readonly start: number;
  readonly end: number;
}

/** libbe's footer after each entry it writes (BE_GRUB_COMMENT). */
export const LIBBE_FOOTER = '#============ End of LIBBE entry =============';

/** Lines end in `\n` (or nothing, for a last line without one); `\r` stays in `raw`. */
export function parseMenu(text: string): Menu {
  const raws = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return { lines: raws.map(parseLine) };
}

export function formatMenu(menu: Menu): string {
  return menu.lines.map((line) => line.raw).join('');
}

/** As libbe tokenises: blank, `#` comment, or keyword + the rest of the line. */
export function parseLine(raw: string): MenuLine {
  const body = raw.replace(/\r?\n$/, '');
  const match = /^[ \t\r]*([^ \t\r]+)[ \t]*(.*?)[ \t\r]*$/.exec(body);
  if (match === null) return { kind: 'blank', raw };
  const keyword = match[1]!;
  if (keyword.startsWith('#')) return { kind: 'comment', raw };
  return { kind: 'command', raw, keyword, arg: match[2]! };
}

/** Entries in file order. Only the first `bootfs` after a title counts, as in libbe. */
export function menuEntries(menu: Menu): MenuEntry[] {
  const starts = menu.lines.flatMap((line, i) => (isCommand(line, 'title') ? [i] : []));
  return starts.map((start, index) => {
    const end = starts[index + 1] ?? menu.lines.length;
    const bootfsLine = menu.lines.slice(start + 1, end).find((line) => isCommand(line, 'bootfs'));
    const bootfs = bootfsLine?.kind === 'command' ? bootfsLine.arg.split(/[ \t]/)[0] : undefined;
    return { index, title: (menu.lines[start] as { arg: string }).arg, bootfs: bootfs || undefined, start, end };
  });
}

export function findEntry(menu: Menu, bootfs: string): MenuEntry | undefined {
  return menuEntries(menu).find((entry) => entry.bootfs === bootfs);
}

/** The `default` entry number; GRUB boots entry 0 when there is no `default` line. */
export function defaultIndex(menu: Menu): number {
  const line = menu.lines.find((l) => isCommand(l, 'default'));
  const value = line?.kind === 'command' ? Number.parseInt(line.arg, 10) : 0;
  return Number.isNaN(value) ? 0 : value;
}

/** The dataset the default entry boots (libbe's be_default_grub_bootfs). */
export function defaultBootfs(menu: Menu): string | undefined {
  return menuEntries(menu)[defaultIndex(menu)]?.bootfs;
}

/**
 * Points `default` at entry `index`: every `default` line is rewritten in place (as
 * be_change_grub_default does); without one, `default <n>` goes first in the file.
 */
export function setDefaultIndex(menu: Menu, index: number): Menu {
  const text = `default ${index}`;
  if (!menu.lines.some((line) => isCommand(line, 'default'))) return { lines: [parseLine(`${text}${menuEol(menu)}`), ...menu.lines] };
  return { lines: menu.lines.map((line) => (isCommand(line, 'default') ? parseLine(`${text}${lineEnding(line.raw)}`) : line)) };
}

/** Points `default` at the entry booting `bootfs`; throws when there is none. */
export function setDefaultBootfs(menu: Menu, bootfs: string): Menu {
  const entry = findEntry(menu, bootfs);
  if (entry === undefined) throw new Error(`menu.lst has no entry with bootfs ${bootfs}`);
  return setDefaultIndex(menu, entry.index);
}

export function isCommand(line: MenuLine | undefined, keyword: string): boolean {
  return line?.kind === 'command' && line.keyword === keyword;
}

/** The menu's line ending for new lines: that of its first terminated line, else `\n`. */
export function menuEol(menu: Menu): string {
  for (const line of menu.lines) {
    const eol = lineEnding(line.raw);
    if (eol !== '') return eol;
  }
  return '\n';
}

/** The line's own ending, so a CRLF menu stays CRLF. */
export function lineEnding(raw: string): string {
  return raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
}
