import { describe, expect, it } from 'vitest';
import { mergeNameToMajor } from './name-to-major.js';

const base = 'sd 32\ne1000g 201\n';

describe('mergeNameToMajor', () => {
  it('keeps update\'s drivers and adds the admin\'s', () => {
    expect(mergeNameToMajor(base, `${base}mydrv 250\n`, `${base}newdrv 260\n`)).toEqual({ text: `${base}newdrv 260\nmydrv 250\n`, conflicts: [] });
  });

  it('leaves out, and reports, an admin driver whose major update gave to another driver', () => {
    const merged = mergeNameToMajor(base, `${base}mydrv 260\n`, `${base}newdrv 260\n`);
    expect(merged).toEqual({ text: `${base}newdrv 260\n`, conflicts: ['mydrv: major 260 is newdrv\'s in update'] });
  });

  it('keeps update\'s major when both changed one driver\'s, reported', () => {
    const merged = mergeNameToMajor(base, 'sd 32\ne1000g 301\n', 'sd 32\ne1000g 302\n');
    expect(merged.text).toBe('sd 32\ne1000g 302\n');
    expect(merged.conflicts).toEqual(['e1000g: major 302 in update, 301 in admin; update\'s kept']);
  });

  it('carries the admin\'s deletions and keeps comments', () => {
    expect(mergeNameToMajor(`#c\n${base}`, '#c\nsd 32\n', `#c\n${base}x 7\n`).text).toBe('#c\nsd 32\nx 7\n');
  });

  it('carries the admin\'s own comments in place, and the admin\'s deletion of one', () => {
    const merged = mergeNameToMajor(`#old\n${base}`, `${base}# lab card, see ticket 12\nmydrv 260\n`, `#old\n${base}newdrv 261\n`);
    expect(merged).toEqual({ text: `${base}newdrv 261\n# lab card, see ticket 12\nmydrv 260\n`, conflicts: [] });
    expect(mergeNameToMajor(base, `# top\n${base}`, `${base}x 7\n`).text).toBe(`# top\n${base}x 7\n`);
  });
});
