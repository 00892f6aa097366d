import { type Action, attrList } from './action.js';

/** What an image says about variants and facets (from its config, see image-config.ts). */
export interface ImageVariants {
  readonly variants: ReadonlyMap<string, string>;
  readonly facets: ReadonlyMap<string, boolean>;
}

/**
 * Whether pkg installs this action in the image (`pkg.5` "FACETS AND VARIANTS"): every
 * `variant.*` tag must equal the image's value, every facet tagged `all` must be on, and if
 * any are tagged `true`, at least one of those must be on.
 */
export function actionApplies(action: Action, image: ImageVariants): boolean {
  let anyTrueTag = false;
  let anyTrueOn = false;
  for (const key of action.attrs.keys()) {
    const values = attrList(action, key);
    if (key.startsWith('variant.')) {
      const wanted = variantValue(image, key);
      // An image that never set a variant accepts every value of it.
      if (wanted !== undefined && !values.includes(wanted)) return false;
    } else if (key.startsWith('facet.')) {
      const on = facetIsOn(image, key);
      if (values.includes('all') && !on) return false;
      if (values.includes('true')) {
        anyTrueTag = true;
        anyTrueOn ||= on;
      }
    }
  }
  return !anyTrueTag || anyTrueOn;
}

function variantValue(image: ImageVariants, name: string): string | undefined {
  const value = image.variants.get(name);
  // pkg treats debug variants as off unless the image turns them on (`variant.py`).
  return value ?? (name.startsWith('variant.debug.') ? 'false' : undefined);
}

/**
 * A facet's setting: the exact name if the image sets it, else the longest matching
 * wildcard pattern (`facet.locale.*`), else on (facets default to true).
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
  return best?.on ?? true;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
