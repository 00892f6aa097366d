import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A package to install in a fixture image: its manifest text is written as given. */
export interface FixturePackage {
  readonly publisher: string;
  readonly stem: string;
  readonly version: string;
  readonly manifest: string;
}

export interface FixtureImage {
  readonly format: 2 | 3 | 4;
  readonly packages: readonly FixturePackage[];
  readonly variants?: Readonly<Record<string, string>>;
  readonly facets?: Readonly<Record<string, boolean>>;
}

/** Python's quote(s, safe=""), written independently of the code under test. */
const quote = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** Builds `<tmp>/var/pkg` in the layout of the given format (spec/illumos.md §4); returns the root. */
export async function buildImage(image: FixtureImage): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `preupd-ips-v${image.format}-`));
  const meta = join(root, 'var/pkg');
  const config = [
    // A 2009 cfg_cache states no version: pkg then recognises v2 by its catalog/ directory.
    ...(image.format === 2 ? [] : ['[image]', `version = ${image.format}`, '']),
    '[variant]', ...Object.entries(image.variants ?? {}).map(([k, v]) => `${k} = ${v}`), '',
    // pkg quotes facet names (imageconfig.py), so that they may hold '/'.
    '[facet]', ...Object.entries(image.facets ?? {}).map(([k, v]) => `${quote(k)} = ${v ? 'True' : 'False'}`), '',
  ].join('\n');
  await put(join(meta, image.format === 4 ? 'pkg5.image' : 'cfg_cache'), config);
  const catalog: Record<string, Record<string, unknown[]>> = {};
  for (const pkg of image.packages) {
    const stem = quote(pkg.stem);
    const version = quote(pkg.version);
    if (image.format === 4) {
      await put(join(meta, 'publisher', pkg.publisher, 'pkg', stem, version), pkg.manifest);
    } else {
      await put(join(meta, 'pkg', stem, version, 'manifest'), pkg.manifest);
    }
    if (image.format === 2) {
      await put(join(meta, 'state/installed', `${stem}@${version}`), '');
      // The preferred publisher (the first package's, here) is marked as pkg marks it.
      const preferred = pkg.publisher === image.packages[0]?.publisher ? '_PRE_' : '';
      await put(join(meta, 'pkg', stem, version, 'installed'), `VERSION_1\n${preferred}${pkg.publisher}`);
    } else {
      const stems = (catalog[pkg.publisher] ??= {});
      (stems[pkg.stem] ??= []).push({ version: pkg.version, metadata: { states: [2, 4] } });
    }
  }
  if (image.format === 2) await mkdir(join(meta, 'catalog'), { recursive: true });
  else await put(join(meta, 'state/installed/catalog.base.C'), JSON.stringify({ ...catalog, _SIGNATURE: {} }));
  if (image.format === 4) await mkdir(join(meta, 'cache'), { recursive: true });
  return root;
}
