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
  const [b, a, u] = [byName(parse(base)), byName(parse(admin)), parse(update)];
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
  return { text: out.map((l) => `${l.text}\n`).join(''), conflicts };
}
