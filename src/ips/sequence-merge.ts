/**
 * Three-way merge of the *order* of items that carry unique ids (diff3 over id sequences).
 * Between the points where base, admin and update agree, a region changed on one side only
 * takes that side's order; a region changed on both takes admin's. Items the chosen side
 * deleted follow it, so the result holds every item of admin or update once: whether an
 * item survives is the caller's decision; this only decides where it goes.
 */
export function mergeOrder(base: readonly string[], admin: readonly string[], update: readonly string[]): string[] {
  const inAdmin = matchAgainst(base, admin);
  const inUpdate = matchAgainst(base, update);
  const adminIds = new Set(admin);
  const updateIds = new Set(update);
  const out: string[] = [];
  let [b, a, u] = [0, 0, 0];
  // Takes `primary`, then the items of `secondary` that primary's side deleted outright.
  const take = (primary: readonly string[], secondary: readonly string[], primarySide: Set<string>): void => {
    out.push(...primary, ...secondary.filter((id) => !primarySide.has(id)));
  };
  const emitRegion = (bEnd: number, aEnd: number, uEnd: number): void => {
    const baseRegion = base.slice(b, bEnd);
    const adminRegion = admin.slice(a, aEnd);
    const updateRegion = update.slice(u, uEnd);
    if (same(adminRegion, baseRegion)) take(updateRegion, adminRegion, updateIds);
    else take(adminRegion, updateRegion, adminIds);
  };
  for (let i = 0; i < base.length; i++) {
    const ai = inAdmin.get(i);
    const ui = inUpdate.get(i);
    // A stable point: the base item kept its place on both sides.
    if (ai === undefined || ui === undefined) continue;
    emitRegion(i, ai, ui);
    out.push(base[i] as string);
    [b, a, u] = [i + 1, ai + 1, ui + 1];
  }
  emitRegion(base.length, admin.length, update.length);
  const merged = [...new Set(out)];
  placeStragglers(merged, admin);
  placeStragglers(merged, update);
  return merged;
}

/**
 * An item one side moved into a region where the other side's order won can be missed by
 * the regions; put it right after its predecessor in its own sequence. Rare, so O(n) each.
 */
function placeStragglers(merged: string[], side: readonly string[]): void {
  const present = new Set(merged);
  side.forEach((id, k) => {
    if (present.has(id)) return;
    const after = k === 0 ? -1 : merged.indexOf(side[k - 1] as string);
    merged.splice(after + 1, 0, id);
    present.add(id);
  });
}

/**
 * Base index -> index in `other` for a longest common subsequence. Ids are unique, so the
 * LCS is the longest increasing run of base positions in `other`'s order (O(n log n)).
 */
function matchAgainst(base: readonly string[], other: readonly string[]): Map<number, number> {
  const basePos = new Map(base.map((id, i) => [id, i]));
  const pairs: Array<[number, number]> = [];
  other.forEach((id, j) => {
    const i = basePos.get(id);
    if (i !== undefined) pairs.push([i, j]);
  });
  // Patience: tails[k] = index in `pairs` ending the best run of length k+1.
  const tails: number[] = [];
  const prev: number[] = [];
  pairs.forEach(([i], p) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((pairs[tails[mid] as number] as [number, number])[0] < i) lo = mid + 1;
      else hi = mid;
    }
    prev[p] = lo > 0 ? (tails[lo - 1] as number) : -1;
    tails[lo] = p;
  });
  const matched = new Map<number, number>();
  for (let p = tails.at(-1) ?? -1; p >= 0; p = prev[p] as number) {
    const [i, j] = pairs[p] as [number, number];
    matched.set(i, j);
  }
  return matched;
}

function same(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((id, k) => id === y[k]);
}
