import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { type ImageLayout, ignoreMissing, pkgQuote } from './image-layout.js';

export interface InstalledPackage {
  /** Unknown only for a v2 package whose `installed` file is missing. */
  readonly publisher?: string;
  readonly stem: string;
  /** The full version, build release included: `0.5.11,5.11-0.151.1.8:20130315T…Z`. */
  readonly version: string;
  /** `pkg://<publisher>/<stem>@<version>` (or `pkg:/…` without a publisher). */
  readonly fmri: string;
}

/** `pkgdefs.py` PKG_STATE_INSTALLED */
const STATE_INSTALLED = 2;

/** The installed packages of an image, sorted by stem then version. */
export async function listInstalledPackages(layout: ImageLayout): Promise<InstalledPackage[]> {
  const list = layout.format === 2 ? await listFromLinks(layout) : await listFromCatalog(layout);
  return list.sort((a, b) => compare(a.stem, b.stem) || compare(a.version, b.version));
}

/** v3/v4: `state/installed/catalog.base.C` (spec §4). */
async function listFromCatalog(layout: ImageLayout): Promise<InstalledPackage[]> {
  const file = join(layout.meta, 'state/installed/catalog.base.C');
  const text = await readFile(file, 'utf8').catch(ignoreMissing);
  if (text === undefined) throw new InputError(file, undefined, 'installed catalog is missing');
  return parseInstalledCatalog(text, file);
}

export function parseInstalledCatalog(text: string, file: string): InstalledPackage[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, undefined, 'installed catalog is not valid JSON', { cause: err });
  }
  if (!isObject(json)) throw new InputError(file, undefined, 'installed catalog is not a JSON object');
  const found: InstalledPackage[] = [];
  for (const [publisher, stems] of Object.entries(json)) {
    if (publisher.startsWith('_') || !isObject(stems)) continue; // `_SIGNATURE`
    for (const [stem, entries] of Object.entries(stems)) {
      if (!Array.isArray(entries)) throw new InputError(file, undefined, `entry of ${stem} is not a list`);
      for (const entry of entries as unknown[]) {
        if (!isObject(entry) || typeof entry.version !== 'string') {
          throw new InputError(file, undefined, `entry of ${stem} has no version`);
        }
        const states = isObject(entry.metadata) ? entry.metadata.states : undefined;
        if (Array.isArray(states) && !states.includes(STATE_INSTALLED)) continue;
        found.push(installed(publisher, stem, entry.version));
      }
    }
  }
  return found;
}

/** v2: empty files `state/installed/<q(stem)>@<q(version)>`, publisher in `pkg/…/installed`. */
async function listFromLinks(layout: ImageLayout): Promise<InstalledPackage[]> {
  const dir = join(layout.meta, 'state/installed');
  const names = await readdir(dir).catch(ignoreMissing);
  if (names === undefined) throw new InputError(dir, undefined, 'installed package list is missing');
  const found: InstalledPackage[] = [];
  for (const name of names) {
    const at = name.indexOf('@');
    if (at <= 0) continue;
    const stem = unquote(name.slice(0, at), dir);
    const version = unquote(name.slice(at + 1), dir);
    const marker = join(layout.meta, 'pkg', pkgQuote(stem), pkgQuote(version), 'installed');
    const text = await readFile(marker, 'utf8').catch(ignoreMissing);
    // Content is `VERSION_1\n<publisher>` (ips 2009 `image.py` `add_install_file`), the
    // preferred publisher's name marked `_PRE_` (pkg5 fmri.py PREF_PUB_PFX).
    const publisher = text?.split('\n')[1]?.trim().replace(/^_PRE_/, '') || undefined;
    found.push(installed(publisher, stem, version));
  }
  return found;
}

function installed(publisher: string | undefined, stem: string, version: string): InstalledPackage {
  const fmri = publisher === undefined ? `pkg:/${stem}@${version}` : `pkg://${publisher}/${stem}@${version}`;
  return publisher === undefined ? { stem, version, fmri } : { publisher, stem, version, fmri };
}

function unquote(text: string, dir: string): string {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    throw new InputError(dir, undefined, `badly quoted package name '${text}'`, { cause: err });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
