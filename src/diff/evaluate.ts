/**
 * compare.c `evaluate_differences` (spec/bart.md §5.4, §5.5): which attributes of two
 * entries with the same name are reported, in bart's order, as plain string comparisons of
 * the (capped) fields.
 */
import type { EntryType } from '../manifest/entry.js';
import { ATTR, checkRules, type Rule } from '../manifest/rules.js';
import { parseFields, type BartFields } from './fields.js';

/** The keywords bart prints for a changed attribute. */
export type ChangedAttribute =
  | 'type' | 'size' | 'mode' | 'acl' | 'mtime' | 'dirmtime' | 'lnmtime'
  | 'uid' | 'gid' | 'devnode' | 'dest' | 'contents';

export interface AttributeChange {
  readonly attribute: ChangedAttribute;
  readonly control: string;
  readonly test: string;
}

/**
 * The flags for an entry: those of the rule that applies to the control entry, else the
 * global ones (`-i` applied, rules-file global directives not: bart passes them by value).
 */
export function flagsFor(rules: readonly Rule[], globalFlags: number, name: string, type: string): number {
  // Only 'D' matters to the matcher; bart passes whatever byte the line holds.
  return checkRules(rules, name, type as EntryType)?.attrs ?? globalFlags;
}

/** The mtime keyword bart reports, if any (bart quirk, spec/bart.md §5.5 step 5). */
function timeChange(c: BartFields, t: BartFields, flags: number): ChangedAttribute | undefined {
  if (!(flags & ATTR.mtime) || c.mtime === t.mtime) return undefined;
  if (c.type !== t.type) return 'mtime';
  // Same type: F reports mtime, D and L need their own bit too, every other type never.
  if (c.type === 'F') return 'mtime';
  if (c.type === 'D') return flags & ATTR.dirmtime ? 'dirmtime' : undefined;
  if (c.type === 'L') return flags & ATTR.lnmtime ? 'lnmtime' : undefined;
  return undefined;
}

/** The ordered changes bart would report for two differing lines with the same name. */
export function evaluateDifferences(
  controlLine: string,
  testLine: string,
  rules: readonly Rule[],
  globalFlags: number,
): AttributeChange[] {
  const c = parseFields(controlLine);
  const t = parseFields(testLine);
  const flags = flagsFor(rules, globalFlags, c.name, c.type);
  const changes: AttributeChange[] = [];
  const check = (attribute: ChangedAttribute, bit: number, cv: string, tv: string) => {
    if (flags & bit && cv !== tv) changes.push({ attribute, control: cv, test: tv });
  };
  check('type', ATTR.type, c.type, t.type);
  check('size', ATTR.size, c.size, t.size);
  check('mode', ATTR.mode, c.mode, t.mode);
  check('acl', ATTR.acl, c.acl, t.acl);
  const time = timeChange(c, t, flags);
  if (time) changes.push({ attribute: time, control: c.mtime, test: t.mtime });
  check('uid', ATTR.uid, c.uid, t.uid);
  check('gid', ATTR.gid, c.gid, t.gid);
  check('devnode', ATTR.devnode, c.devnode, t.devnode);
  check('dest', ATTR.dest, c.dest, t.dest);
  check('contents', ATTR.contents, c.contents, t.contents);
  return changes;
}
