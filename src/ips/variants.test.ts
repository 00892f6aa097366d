import { describe, expect, it } from 'vitest';
import { makeAction } from './action.js';
import { parseImageConfig } from './image-config.js';
import { actionApplies, facetIsOn } from './variants.js';

const image = {
  variants: new Map([['variant.arch', 'i386']]),
  facets: new Map([['facet.locale.*', false], ['facet.locale.de', true], ['facet.devel', false]]),
};
const file = (...tags: Array<[string, string]>) => makeAction('file', [['path', 'x'], ...tags]);

describe('actionApplies', () => {
  it('keeps an action whose variants all match the image and drops the others', () => {
    expect(actionApplies(file(['variant.arch', 'i386']), image)).toBe(true);
    expect(actionApplies(file(['variant.arch', 'sparc']), image)).toBe(false);
  });

  // Bug: such a variant counted as false, and e1000g.conf (variant.opensolaris.zone=global)
  // dropped out of images whose config does not state the zone.
  it('allows any value of a variant the image does not set, but only false of a debug variant', () => {
    expect(actionApplies(file(['variant.opensolaris.zone', 'global']), image)).toBe(true);
    expect(actionApplies(file(['variant.opensolaris.imagetype', 'full']), image)).toBe(true);
    expect(actionApplies(file(['variant.debug.osnet', 'true']), image)).toBe(false);
    expect(actionApplies(file(['variant.debug.osnet', 'false']), image)).toBe(true);
  });

  it('never allows a repeated variant or facet tag', () => {
    expect(actionApplies(file(['variant.arch', 'i386'], ['variant.arch', 'sparc']), image)).toBe(false);
    expect(actionApplies(file(['facet.doc', 'true'], ['facet.doc', 'true']), image)).toBe(false);
  });

  it('needs one facet tagged true to be on, and every facet tagged all', () => {
    expect(actionApplies(file(['facet.devel', 'true'], ['facet.doc', 'true']), image)).toBe(true);
    expect(actionApplies(file(['facet.devel', 'true'], ['facet.locale.fr', 'true']), image)).toBe(false);
    expect(actionApplies(file(['facet.doc', 'all'], ['facet.devel', 'all']), image)).toBe(false);
    expect(actionApplies(file(['facet.doc', 'all'], ['facet.locale.de', 'all']), image)).toBe(true);
  });
});

describe('facetIsOn', () => {
  it('prefers the exact name, then the longest matching pattern, then on', () => {
    expect(facetIsOn(image, 'facet.locale.de')).toBe(true);
    expect(facetIsOn(image, 'facet.locale.fr')).toBe(false);
    expect(facetIsOn(image, 'facet.doc.man')).toBe(true);
    expect(facetIsOn(image, 'facet.optional.x')).toBe(false);
    expect(facetIsOn(image, 'facet.debug.x')).toBe(false);
  });
});

describe('parseImageConfig', () => {
  it('reads version, variants, facets (unquoted) and ConfigParser continuation lines', () => {
    const config = parseImageConfig(
      '# pkg5.image\n[image]\nversion = 4\n\n[variant]\nvariant.arch = i386\n[facet]\nfacet.doc.%2A = False\nfacet.a%2Fb = True\n' +
        '[property]\nsignature-policy = verify\nkeys = a\n  b\n',
    );
    expect(config.version).toBe(4);
    // pkg's own defaults on load: the zone is global unless stated.
    expect([...config.variants]).toEqual([['variant.arch', 'i386'], ['variant.opensolaris.zone', 'global']]);
    // pkg writes facet names URL-quoted; `facet.doc.%2A` never matched as a pattern.
    expect([...config.facets]).toEqual([['facet.doc.*', false], ['facet.a/b', true]]);
    expect(config.sections.get('property')?.get('keys')).toBe('a\nb');
  });
});
