/**
 * A pair walk's lines without identical pairs (a line both trees print alike): a walk prints
 * the first alike entry after one that printed, and may print more where jobs meet
 * (pair-walk.ts); compare skips them. What differs is what a test of the walk looks at.
 */
export function withoutIdenticalPairs(lines: readonly string[]): string[] {
  // Lines as compare sees them: without the tag, and without lazy contents' inode suffix.
  const seen = (line: string) => line.slice(1).split('\t')[0]!;
  const byTag = (tag: string) => new Set(lines.filter((line) => line[0] === tag).map(seen));
  const [control, test] = [byTag('c'), byTag('t')];
  return lines.filter((line) => !(control.has(seen(line)) && test.has(seen(line))));
}
