import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Action } from './action.js';
import { type ImageFormat, detectImageLayout, ignoreMissing, manifestPath } from './image-layout.js';
import { type InstalledPackage, listInstalledPackages } from './installed-list.js';
import { parseManifest } from './manifest.js';
import { type Delivery, type PathEntry, buildPathIndex } from './path-index.js';
import { type ImageVariants, actionApplies } from './variants.js';

export interface InstalledImage extends ImageVariants {
  readonly format: ImageFormat;
  readonly packages: ReadonlyArray<InstalledPackage & { readonly actions: readonly Action[] }>;
  /** Delivered path (relative, `etc/passwd`) -> governing action (path-index.ts). */
  readonly paths: ReadonlyMap<string, PathEntry>;
  readonly users: readonly Delivery[];
  readonly groups: readonly Delivery[];
  readonly drivers: readonly Delivery[];
}

/**
 * Reads what is installed in the image at `root` (an alternate root such as a mounted BE
 * clone) straight from `<root>/var/pkg`, without running pkg. Manifests are stored
 * unfiltered, so the image's variants and facets are applied here, as `pkg contents` does.
 * Throws `InputError` for a missing var/pkg, an unknown format, a missing manifest or a
 * malformed action (naming the manifest file and line).
 */
export async function readInstalledImage(root: string): Promise<InstalledImage> {
  const layout = await detectImageLayout(root);
  const image: ImageVariants = { variants: layout.config.variants, facets: layout.config.facets };
  const packages = [];
  for (const pkg of await listInstalledPackages(layout)) {
    const file = manifestPath(layout, pkg);
    const text = await readFile(file, 'utf8').catch(ignoreMissing);
    if (text === undefined) throw new InputError(file, undefined, `manifest of installed package ${pkg.fmri} is missing`);
    const actions = parseManifest(text, { file })
      .map((parsed) => parsed.action)
      .filter((action) => actionApplies(action, image));
    packages.push({ ...pkg, actions });
  }
  const deliveries = packages.flatMap((pkg) => pkg.actions.map((action) => ({ fmri: pkg.fmri, action })));
  const ofType = (type: Action['type']) => deliveries.filter((d) => d.action.type === type);
  return {
    format: layout.format,
    ...image,
    packages,
    paths: buildPathIndex(deliveries),
    users: ofType('user'),
    groups: ofType('group'),
    drivers: ofType('driver'),
  };
}
