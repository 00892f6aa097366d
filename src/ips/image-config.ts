/**
 * The image configuration file (`var/pkg/pkg5.image`, or `cfg_cache` before format v4):
 * Python ConfigParser INI text with `[image]`, `[variant]`, `[facet]`, `[mediators]`...
 * sections (spec/illumos.md §4, pkg5 `imageconfig.py`).
 */

export interface ImageConfig {
  /** `[image] version`, when the file states one. */
  readonly version?: number;
  /** `variant.arch`, `variant.opensolaris.zone`... as the image sets them. */
  readonly variants: ReadonlyMap<string, string>;
  /** Facet names or patterns (`facet.locale.*`) and whether they are on. */
  readonly facets: ReadonlyMap<string, boolean>;
  /** Every section, for callers that need more (publishers, mediators, properties). */
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function parseImageConfig(text: string): ImageConfig {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      const name = header[1] as string;
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      lastKey = undefined;
    } else if (/^\s/.test(line) && current && lastKey !== undefined) {
      // ConfigParser continuation: an indented line extends the previous value.
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.trim()}`);
    } else {
      const pair = /^([^=:]+?)\s*[=:]\s?(.*)$/.exec(line);
      if (pair && current) {
        lastKey = (pair[1] as string).trim();
        current.set(lastKey, (pair[2] as string).trimEnd());
      }
    }
  }
  const versionText = sections.get('image')?.get('version');
  const version = versionText !== undefined && /^\d+$/.test(versionText) ? Number(versionText) : undefined;
  // pkg writes facet names URL-quoted (`facet.locale.%2A`), so that they may hold '/'.
  const facets = new Map<string, boolean>();
  for (const [name, value] of sections.get('facet') ?? []) facets.set(urlUnquote(name), value.toLowerCase() === 'true');
  // pkg's imageconfig.py sets the zone variant on load when the file has none.
  const variants = new Map(sections.get('variant') ?? []);
  if (!variants.has(ZONE)) variants.set(ZONE, 'global');
  return {
    ...(version === undefined ? {} : { version }),
    variants,
    facets,
    sections,
  };
}

const ZONE = 'variant.opensolaris.zone';

/** Python's urllib.unquote: each %XX is that byte; anything else stays as it is. */
const urlUnquote = (text: string): string => text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
