import fc from 'fast-check';

/** Any text at all, biased towards the characters the databases care about. */
export const anyDbTextArb = fc.string({
  unit: fc.constantFrom('a', 'b', '0', ':', '\n', '\r', '+', '-', '#', ' ', ',', '\\', '\t'),
  maxLength: 80,
});

const nameArb = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const fieldArb = fc.stringMatching(/^[a-zA-Z0-9 /&*.,]{0,6}$/);

/** A passwd record line for a given user. */
export const passwdLineArb = (user: string): fc.Arbitrary<string> =>
  fc.tuple(fieldArb, fc.nat(200), fc.nat(200), fieldArb, fieldArb, fieldArb)
    .map(([pw, uid, gid, gcos, home, shell]) => [user, pw, uid, gid, gcos, home, shell].join(':'));

/** A realistic /etc/passwd: unique users, with comments, NIS lines and blank lines between. */
export const passwdArb: fc.Arbitrary<{ users: string[]; lines: string[] }> = fc
  .uniqueArray(nameArb, { minLength: 1, maxLength: 8 })
  .chain((users) =>
    fc.tuple(
      fc.constant(users),
      fc.tuple(...users.map(passwdLineArb)),
      fc.array(fc.constantFrom('# comment', '+', '-baduser', '', '+@netgroup::::::'), { maxLength: 3 }),
    ),
  )
  .chain(([users, records, extras]) =>
    fc.shuffledSubarray([...records, ...extras], { minLength: records.length + extras.length })
      .map((lines) => ({ users, lines })),
  );

/** One side's edits: which users it modifies (new line) or deletes, and which it adds. */
export interface SideEdits {
  readonly changed: ReadonlyMap<string, string | null>;
  readonly added: ReadonlyMap<string, string>;
}

/**
 * Edits for admin and update on disjoint users of `users` (so no conflicts are possible),
 * adding users with distinct fresh names.
 */
export const disjointEditsArb = (users: readonly string[]): fc.Arbitrary<[SideEdits, SideEdits]> =>
  fc.tuple(
    fc.array(fc.constantFrom('admin', 'update', 'none'), { minLength: users.length, maxLength: users.length }),
    fc.array(fc.oneof(passwdLineArb(''), fc.constant(null)), { minLength: users.length, maxLength: users.length }),
    fc.uniqueArray(nameArb.map((n) => `new${n}`), { maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  ).chain(([owners, edits, fresh, freshSide]) =>
    fc.tuple(...fresh.map((name) => passwdLineArb(name))).map((freshLines) => {
      const sides: [Map<string, string | null>, Map<string, string | null>] = [new Map(), new Map()];
      const adds: [Map<string, string>, Map<string, string>] = [new Map(), new Map()];
      users.forEach((user, i) => {
        const owner = owners[i];
        const edit = edits[i] ?? null;
        if (owner === 'none') return;
        sides[owner === 'admin' ? 0 : 1].set(user, edit === null ? null : user + edit);
      });
      fresh.forEach((name, i) => adds[freshSide[i] ? 0 : 1].set(name, freshLines[i] as string));
      return [
        { changed: sides[0], added: adds[0] },
        { changed: sides[1], added: adds[1] },
      ];
    }),
  );

/** Applies edits to passwd lines: changed lines in place, deletions dropped, additions appended. */
export function applyEdits(lines: readonly string[], edits: SideEdits): string {
  const out: string[] = [];
  for (const line of lines) {
    const user = line.split(':')[0] ?? '';
    const edit = line.includes(':') && !/^[+-]/.test(line) ? edits.changed.get(user) : undefined;
    if (edit === null) continue;
    out.push(edit ?? line);
  }
  out.push(...edits.added.values());
  return out.map((l) => l + '\n').join('');
}
