/**
 * `/etc/name_to_major` when both sides changed it (spec/reintegration.md "Files that need more
 * than a copy"): a keyed file (driver name -> major number) where a major must never be copied
 * across blindly. update's lines are the start; the admin's additions, changes and deletions
 * follow, except a driver whose major update gave to another driver: that line is left out
 * and reported, and the kernel assigns the driver a free major when it is next added. Where
 * update's value wins, the planner keeps the admin's whole file in the saved area.
 */
export const NAME_TO_MAJOR = '/etc/name_to_major';

interface Line {
  readonly text: string;
  readonly name?: string;
  readonly major?: string;
}

function parse(text: string): Line[] {
  return text.split('\n').filter((t, i, all) => i < all.length - 1 || t !== '').map((text) => {
    const fields = text.trim().split(/\s+/);
    return fields.length === 2 && !text.startsWith('#') ? { text, name: fields[0]!, major: fields[1]! } : { text };
  });
}

const byName = (lines: readonly Line[]) => new Map(lines.filter((l) => l.name !== undefined).map((l) => [l.name!, l]));

export function mergeNameToMajor(base: string, admin: string, update: string): { text: string; conflicts: string[] } {
  const [baseLines, adminLines] = [parse(base), parse(admin)];
  const [b, a, u] = [byName(baseLines), byName(adminLines), parse(update)];
  const out = u.filter((l) => l.name === undefined || !(b.has(l.name) && !a.has(l.name))); // admin's deletions
  const conflicts: string[] = [];
  for (const line of a.values()) {
    const baseMajor = b.get(line.name!)?.major;
    if (baseMajor === line.major) continue; // not the admin's change
    const updateMajor = out.find((l) => l.name === line.name)?.major;
    if (baseMajor !== undefined && updateMajor !== undefined && updateMajor !== baseMajor && updateMajor !== line.major) {
      conflicts.push(`${line.name}: major ${updateMajor} in update, ${line.major} in admin; update's kept`);
      continue;
    }
    const taken = out.find((l) => l.major === line.major && l.name !== line.name);
    if (taken) {
      conflicts.push(`${line.name}: major ${line.major} is ${taken.name}'s in update`);
      continue;
    }
    const at = out.findIndex((l) => l.name === line.name);
    if (at >= 0) out[at] = line;
    else out.push(line);
  }
  return { text: withOtherLines(out, baseLines, adminLines).map((l) => `${l.text}\n`).join(''), conflicts };
}

/**
 * The admin's comment (and other non-driver) lines added or deleted, carried in place, as in
 * the keyed files (R5.1): an added one goes before the admin's line after it, as it stands in
 * the result (a comment is about the line it heads), at the end when none does. An admin's
 * comment was lost (found by review).
 */
function withOtherLines(out: readonly Line[], base: readonly Line[], admin: readonly Line[]): Line[] {
  const others = (lines: readonly Line[]) => new Set(lines.filter((l) => l.name === undefined).map((l) => l.text));
  const [baseOthers, adminOthers] = [others(base), others(admin)];
  const result = out.filter((l) => l.name !== undefined || !baseOthers.has(l.text) || adminOthers.has(l.text));
  let at = result.length;
  for (const line of [...admin].reverse()) {
    const found = result.findIndex((l) => (line.name === undefined ? l.text === line.text : l.name === line.name));
    if (found >= 0) at = found;
    else if (line.name === undefined && !baseOthers.has(line.text)) result.splice(at, 0, line);
  }
  return result;
}
