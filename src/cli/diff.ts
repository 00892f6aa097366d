/**
 * `preupd diff control test`: what `manifest compare` prints for manifests of the two trees
 * made with the same rules, without writing manifests; either side may be a saved manifest
 * (spec/cli.md). Two live trees are walked at once (src/walk/pair-walk.ts); otherwise each
 * side is walked or read, and contents are hashed only where needed (lazy-contents.ts).
 */
import { statSync } from 'node:fs';
import { compareManifests } from '../diff/compare.js';
import { flagsFor } from '../diff/evaluate.js';
import { pairByName, resolveContents, type ContentsMode, type HashedContents, type JoinedPair, type LazyContentsOptions } from '../diff/lazy-contents.js';
import { ManifestLineReader } from '../diff/line-reader.js';
import { textSource } from '../diff/line-source.js';
import { teePairs } from '../diff/tee-pairs.js';
import { ChunkedOutput, changeFormatter } from '../diff/report.js';
import { InputError, UsageError } from '../errors.js';
import { formatHeader, type HashAlgorithm } from '../manifest/format.js';
import { ATTR, parseRules, type ParsedRules } from '../manifest/rules.js';
import { parseCreateRules } from '../walk/create-manifest.js';
import { openPool, type WalkPool } from '../walk/pool.js';
import { pairWalkable } from '../walk/diff-walk.js';
import { EVERYTHING_RULES } from '../walk/tree-entries.js';
import { fsPath, nodeWalkFs } from '../walk/walk-fs.js';
import { controlAndTest, OPERANDS, operandUsage, withExtraOperands, type CommandFactory, type OperandArgs } from './command.js';
import { COMMANDS } from './commands.js';
import { openSide, pathOf, walkBothTrees, walkSide, type DiffSide, type SideSpec } from './diff-sides.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import { withCompareOutputOptions } from './compare-options.js';
import { HeldOutput } from './held-output.js';
import type { CliIo } from './io.js';
import { compareFlags, comparesContents, readRulesText, rulesOrThrow } from './rules-input.js';

interface DiffArgs {
  r?: string;
  i?: string | string[];
  p?: boolean;
  json?: boolean;
  hash: HashAlgorithm;
  paranoid?: boolean;
  quick?: boolean;
  control: string;
  test: string;
}

const KNOWN_HASHES: readonly string[] = ['md5', 'sha256', 'xxh64'];

/**
 * A manifest side fixes the algorithm the live side is hashed with. Two manifests hashed
 * differently cannot be compared, unless contents are ignored everywhere (as in manifest
 * compare); the error names the header line that declares the hash.
 */
function sideHash(sides: SideSpec[], requested: HashAlgorithm, names: string[], withContents: boolean): HashAlgorithm {
  const declared = sides.map((s, i) => ('tree' in s ? undefined : { hash: s.manifestHash!, line: s.manifestHashLine!, name: names[i]! }));
  const [c, t] = declared;
  if (!withContents) return requested;
  if (c && t && c.hash !== t.hash) throw new InputError(t.name, t.line, `hashed with ${t.hash.toUpperCase()}, but ${c.name} with ${c.hash.toUpperCase()}: contents cannot be compared`);
  const fixed = c ?? t;
  if (fixed && !KNOWN_HASHES.includes(fixed.hash)) throw new InputError(fixed.name, fixed.line, `unknown hash ${fixed.hash}`);
  return (fixed?.hash ?? requested) as HashAlgorithm;
}

/**
 * The rules parsed for walking `root` as `manifest create -r` parses them (without -n: a
 * block without CHECK keywords still hashes; create mode globs subtrees below `root`).
 */
function parseWalkRules(rules: { file: string; text: string }, root: string, hash: HashAlgorithm) {
  const opts = { relocRoot: root, computeChecksum: true, hash, acl: 'auto' as const, fs: nodeWalkFs, threads: 1 };
  return rulesOrThrow(parseCreateRules(rules.text, opts), rules.file);
}

/**
 * Whether two live trees are one lineage: snapshots and clones of one dataset keep object
 * numbers, root included, and a file with the same inode, size, mtime and ctime on both is
 * then the same file. Other trees must have their same-size files read.
 */
function sameLineage(specs: SideSpec[]): boolean {
  const [c, t] = specs.map((s) => ('tree' in s ? statSync(fsPath(s.tree || '/')).ino : undefined));
  return c !== undefined && c === t;
}

/**
 * Two walks: whether the walkers hash every file as they go rather than leave it to the
 * join. Between trees of other lineages every same-size pair is read anyway, and hashing in
 * the walking threads saves a message and a second open per file; --paranoid reads every
 * pair. Files without a pair are hashed for nothing, but compare never shows their contents.
 */
function hashWhileWalking(mode: ContentsMode, specs: SideSpec[]): boolean {
  return mode === 'paranoid' || (mode === 'default' && !sameLineage(specs));
}

interface DiffInput {
  /** Both trees' lines paired by name, with their contents as the report needs them. */
  pairs: AsyncIterable<JoinedPair[]>;
  /** The walks' bart status, once the pairs are read. */
  status: Promise<number>;
  close(): Promise<void>;
}

/**
 * Two live trees walked by one rule each are walked at once, and only entries that differ
 * reach this thread, hashed where the report needs it; otherwise each side is walked (or
 * read), joined by name, and hashed here where needed (lazy-contents.ts).
 */
function openInput(
  specs: SideSpec[],
  rules: { file: string; text: string },
  hash: HashAlgorithm,
  contents: Pick<LazyContentsOptions, 'mode' | 'comparesContents' | 'onMessage'>,
): DiffInput {
  const trees = specs.flatMap((s) => ('tree' in s ? [s.tree] : []));
  const walkRules = trees.map((tree) => parseWalkRules(rules, tree, hash)) as [ParsedRules, ParsedRules];
  // What manifest create would warn of each tree: subtrees that do not expand there.
  for (const parsed of walkRules) for (const m of parsed.stderr) contents.onMessage(m);
  if (trees.length === 2 && pairWalkable(nodeWalkFs, walkRules, trees as [string, string])) {
    const both = walkBothTrees(trees as [string, string], walkRules, hash, contents.mode, sameLineage(specs), contents.onMessage);
    return { ...both, close: async () => {} };
  }
  const hashHere = hashWhileWalking(contents.mode, specs);
  // Each walk's warnings are kept apart and passed on control's first once both are done:
  // the two walks run at once, and stderr must not depend on which ends first.
  const warnings: [string[], string[]] = [[], []];
  const [control, test] = specs.map((spec, s) =>
    'tree' in spec ? walkSide(spec.tree, parseWalkRules(rules, spec.tree, hash), hash, (m) => void warnings[s]!.push(m), hashHere) : spec,
  ) as [DiffSide, DiffSide];
  // Hashing threads start with the first file to hash (--quick rarely has one).
  let pool: Promise<WalkPool> | undefined;
  const hashIn = (root: string | undefined) =>
    root === undefined
      ? undefined
      : async (name: string, size: number): Promise<HashedContents> => {
          pool ??= openPool({ relocRoot: '', rules: [], computeChecksum: true, hash, acl: 'none' }, 2, nodeWalkFs);
          return (await pool).hash(pathOf(root, name), size);
        };
  const status = Promise.all([control.status, test.status]).then(([c, t]) => {
    for (const m of warnings.flat()) contents.onMessage(m);
    return Math.max(c, t);
  });
  // A failed walk throws from its lines (diff-sides.ts); this copy of it is awaited later, if at all.
  status.catch(() => {});
  return {
    pairs: resolveContents(pairByName(control.lines, test.lines), { ...contents, hashControl: hashIn(control.root), hashTest: hashIn(test.root) }),
    status,
    close: async () => {
      if (pool) await (await pool).close();
    },
  };
}

async function runDiff(args: DiffArgs, io: CliIo): Promise<number> {
  const held = new HeldOutput(io);
  const flags = compareFlags(args.i, { ...io, stderr: held.stderr });
  const rules = args.r === undefined ? { file: 'rules', text: EVERYTHING_RULES } : await readRulesText(args.r, io);
  // Compare starts from "all but dirmtime" minus -i: without -r, a bare `/` rule means the
  // same as EVERYTHING_RULES but lets -i work (its global CHECK all would re-add them).
  const compareText = args.r === undefined ? '/\n' : rules.text;
  const compareRules = rulesOrThrow(parseRules(compareText, { mode: 'compare', initialFlags: flags }), rules.file);
  const messages: string[] = [];
  const names = [args.control, args.test];
  const specs = [await openSide(args.control, io.cwd), await openSide(args.test, io.cwd)];
  const hash = sideHash(specs, args.hash, names, comparesContents(compareRules, flags));
  const input = openInput(specs, rules, hash, {
    mode: args.paranoid ? 'paranoid' : args.quick ? 'quick' : 'default',
    comparesContents: (name, type) => (flagsFor(compareRules.rules, flags, name, type) & ATTR.contents) !== 0,
    onMessage: (m) => void messages.push(m),
  });
  try {
    const header = formatHeader(hash, new Date(0));
    const readers = teePairs(input.pairs).map((side) => new ManifestLineReader(textSource(header, side))) as [ManifestLineReader, ManifestLineReader];
    await Promise.all(readers.map((r) => r.open()));
    const out = new ChunkedOutput(held.stdout);
    const formatter = changeFormatter(args.json ? 'json' : args.p ? 'programmatic' : 'verbose');
    const outcome = await compareManifests(readers[0], readers[1], {
      rules: compareRules.rules,
      globalFlags: flags,
      onChange: (change) => out.push(formatter.format(change)),
    });
    const walkStatus = await input.status;
    await out.push(formatter.end(outcome.status === 1));
    await out.flush();
    await held.commit();
    for (const m of messages) io.stderr(Buffer.from(m, 'latin1'));
    // A walk's 255 (bart create's status when a subtree cannot be reached) is a warning here.
    return Math.max(outcome.status, Math.min(walkStatus, 1), messages.length ? 1 : 0);
  } finally {
    held.discard();
    await input.close();
  }
}

export const diffCommand: CommandFactory = ({ io, exit }) => ({
  command: `diff ${OPERANDS}`,
  builder: (y) =>
    withExtraOperands(withCompareOutputOptions(y))
      .usage(operandUsage('diff', COMMANDS.find((c) => c.name === 'diff')!.describe))
      .positional('control', { type: 'string', describe: 'the tree (or manifest) taken first, e.g. the pristine snapshot' })
      .positional('test', { type: 'string', describe: 'the tree (or manifest) to check against it, e.g. the running root' })
      .option('r', { type: 'string', describe: 'bart_rules file, or - for stdin (default: / with CHECK all, IGNORE dirmtime)' })
      .option('hash', { choices: ['xxh64', 'md5', 'sha256'] as const, default: 'xxh64' as const, requiresArg: true, describe: 'content hash (a manifest side imposes its own)' })
      .option('paranoid', { type: 'boolean', describe: 'read every file, even the same file on two snapshots' })
      .option('quick', { type: 'boolean', describe: 'trust size and mtime, as rsync does without -c' })
      .conflicts('paranoid', 'quick')
      .example('$0 diff /.zfs/snapshot/pristine /', 'what the administrator changed since the pristine snapshot')
      .example('$0 diff --json pristine.manifest /', 'changes against a saved manifest, as JSON lines')
      .epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    const [control, test] = controlAndTest(parsed as unknown as OperandArgs, 1);
    exit(await runDiff({ ...(parsed as unknown as DiffArgs), control, test }, io));
  },
});
