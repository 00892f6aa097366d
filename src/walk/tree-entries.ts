/**
 * The entries of a live tree as ManifestEntry values, in manifest order: what diff and
 * reintegration read instead of a manifest file. Same walk as `manifest create`.
 */
import type { ManifestEntry } from '../manifest/entry.js';
import { parseEntryLine, type HashAlgorithm } from '../manifest/format.js';
import type { AclFlavor } from '../manifest/acl.js';
import { InputError } from '../errors.js';
import { createFromRules, parseCreateRules, type CreateOptions } from './create-manifest.js';
import { TextChannel } from './line-merge.js';
import { isDir } from './job-walk.js';
import { nodeWalkFs, strerror, type WalkFs } from './walk-fs.js';

/** Rules that list everything, directories included (spec/cli.md, `preupd diff`). */
export const EVERYTHING_RULES = '/\nCHECK all\nIGNORE dirmtime\n';

export interface TreeEntriesOptions {
  /** bart_rules text; default EVERYTHING_RULES. */
  rules?: string;
  hash?: HashAlgorithm;
  /** false: contents are `-` unless the rules say CHECK contents. */
  computeChecksum?: boolean;
  acl?: AclFlavor | 'auto';
  fs?: WalkFs;
  threads?: number;
  /** Receives bart's warnings (unreadable files...); default: ignored. */
  onMessage?: (text: string) => void;
}

export interface TreeEntries extends AsyncIterable<ManifestEntry> {
  /** Exit status of the walk as bart would give it (0; 1 after warnings; 255 when a subtree cannot be reached). */
  readonly status: Promise<number>;
}

/** Walks `root` and yields its entries; names are relative to `root` (`/etc/passwd`). */
export function treeEntries(root: string, options: TreeEntriesOptions = {}): TreeEntries {
  const opts: CreateOptions = {
    relocRoot: root === '/' ? '' : root.replace(/\/+$/, ''),
    computeChecksum: options.computeChecksum ?? true,
    hash: options.hash ?? 'xxh64',
    acl: options.acl ?? 'auto',
    fs: options.fs ?? nodeWalkFs,
    threads: options.threads ?? 2,
    wholeDest: true,
  };
  checkRoot(opts.fs, root);
  const rulesText = options.rules ?? EVERYTHING_RULES;
  const parsed = parseCreateRules(rulesText, opts);
  if (parsed.fatal !== 'none') {
    const d = parsed.diagnostics[0];
    throw new InputError('rules', d?.line, d?.message ?? 'syntax error');
  }
  // bart's warnings while reading the rules ("Ignoring invalid subtree"...).
  for (const message of parsed.stderr) options.onMessage?.(message);
  const channel = new TextChannel();
  const status = createFromRules(opts, parsed, {
    text: (blocks) => channel.push(blocks),
    message: (text) => options.onMessage?.(text),
  }).finally(() => channel.close());
  return {
    status,
    async *[Symbol.asyncIterator]() {
      for await (const line of channel) yield parseEntryLine(line);
      await status;
    },
  };
}

/**
 * A root that is missing or no directory (a snapshot directory that did not mount) would walk
 * as an empty tree, silently: for reintegration, every admin file would look added. It fails.
 */
function checkRoot(fs: WalkFs, root: string): void {
  let st;
  try {
    st = fs.lstat(root);
  } catch (err) {
    throw new InputError(root, undefined, strerror(err));
  }
  if (!st) throw new InputError(root, undefined, strerror({ code: 'ENOENT' }));
  if (!isDir(st)) throw new InputError(root, undefined, 'not a directory');
}
