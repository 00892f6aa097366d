import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { type ImageConfig, parseImageConfig } from './image-config.js';

/**
 * Where an image keeps its package state (`<root>/var/pkg`) and in which format
 * (spec/illumos.md §4). Reads files of an alternate root; never writes.
 */

export const IMAGE_FORMATS = [2, 3, 4] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export interface ImageLayout {
  /** `<root>/var/pkg` */
  readonly meta: string;
  readonly format: ImageFormat;
  /** Empty when the image has no config file (a bare v2 image). */
  readonly config: ImageConfig;
}

export async function detectImageLayout(root: string): Promise<ImageLayout> {
  const meta = join(root, 'var/pkg');
  if (!(await isDirectory(meta))) throw new InputError(meta, undefined, 'not an IPS image: no var/pkg directory');
  let config: ImageConfig = parseImageConfig('');
  let configFile = meta;
  // v4 moved the config from cfg_cache to pkg5.image (`image.py` `__set_dirs`).
  for (const name of ['pkg5.image', 'cfg_cache']) {
    const text = await readFile(join(meta, name), 'utf8').catch(ignoreMissing);
    if (text !== undefined) {
      config = parseImageConfig(text);
      configFile = join(meta, name);
      break;
    }
  }
  const version = config.version ?? (await guessVersion(meta));
  if (version === undefined) {
    throw new InputError(meta, undefined, 'cannot tell the image format: no [image] version, no publisher/ or catalog/ directory');
  }
  if (!(IMAGE_FORMATS as readonly number[]).includes(version)) {
    throw new InputError(configFile, undefined, `unknown image format version ${version} (known: ${IMAGE_FORMATS.join(', ')})`);
  }
  return { meta, format: version as ImageFormat, config };
}

/** pkg's fallback when no config states a version. */
async function guessVersion(meta: string): Promise<number | undefined> {
  if ((await isDirectory(join(meta, 'publisher'))) && !(await isDirectory(join(meta, 'cache')))) return 3;
  if (await isDirectory(join(meta, 'catalog'))) return 2;
  return undefined;
}

/** Python's `urllib.parse.quote(s, safe="")`, which pkg uses for stem and version directories. */
export function pkgQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Where the installed manifest of a package lives, per format (`image.py` `get_manifest_path`). */
export function manifestPath(layout: ImageLayout, pkg: { publisher?: string; stem: string; version: string }): string {
  const stem = pkgQuote(pkg.stem);
  const version = pkgQuote(pkg.version);
  if (layout.format === 4) {
    if (pkg.publisher === undefined) throw new InputError(layout.meta, undefined, `no publisher known for ${pkg.stem}`);
    return join(layout.meta, 'publisher', pkg.publisher, 'pkg', stem, version);
  }
  return join(layout.meta, 'pkg', stem, version, 'manifest');
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(ignoreMissing))?.isDirectory() ?? false;
}

/** For `.catch`: a missing file is `undefined`, anything else still fails. */
export function ignoreMissing(err: unknown): undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw err;
}
