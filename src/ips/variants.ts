import type { Action } from './action.js';

/** What an image says about variants and facets (from its config, see image-config.ts). */
export interface ImageVariants {
  readonly variants: ReadonlyMap<string, string>;
  readonly facets: ReadonlyMap<string, boolean>;
}

/**
 * Whether pkg installs this action in the image (pkg5 `_varcet.c` `_allow_variant`,
 * `_allow_facet`): every `variant.*` tag must equal the image's value, where the image sets
 * one (a variant it does not set allows any value, except that a `variant.debug.*` tag must
 * be `false`); every facet tagged `all` must be on, and if other facet
 * tags are present, at least one of them must be on. A repeated variant or facet tag (a
 * list) is never allowed, as in pkg.
 */
export function actionApplies(action: Action, image: ImageVariants): boolean {
  let anyTag = false;
  let anyOn = false;
  for (const [key, value] of action.attrs) {
    const isVariant = key.startsWith('variant.');
    if (!isVariant && !key.startsWith('facet.')) continue;
    if (typeof value !== 'string') return false;
    if (isVariant) {
      const set = image.variants.get(key);
      if (set === undefined ? key.startsWith('variant.debug.') && value !== 'false' : value !== set) return false;
    } else if (value === 'all') {
      if (!facetIsOn(image, key)) return false;
    } else {
      anyTag = true;
      anyOn ||= facetIsOn(image, key);
    }
  }
  return !anyTag || anyOn;
}

/**
 * A facet's setting: the exact name if the image sets it, else the longest matching
 * wildcard pattern (`facet.locale.*`), else on, except `facet.debug.*` and
 * `facet.optional.*`, which are off unless turned on.
 */
export function facetIsOn(image: ImageVariants, name: string): boolean {
  const exact = image.facets.get(name);
  if (exact !== undefined) return exact;
  let best: { length: number; on: boolean } | undefined;
  for (const [pattern, on] of image.facets) {
    if (!pattern.includes('*') && !pattern.includes('?')) continue;
    if (globToRegExp(pattern).test(name) && (best === undefined || pattern.length > best.length)) {
      best = { length: pattern.length, on };
    }
  }
  return best?.on ?? !/^facet\.(debug|optional)\./.test(name);
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
