import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectImageLayout, manifestPath, pkgQuote } from './image-layout.js';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function metaWith(...dirs: string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'preupd-ips-layout-'));
  roots.push(root);
  for (const dir of ['var/pkg', ...dirs.map((d) => `var/pkg/${d}`)]) await mkdir(join(root, dir), { recursive: true });
  return root;
}

describe('detectImageLayout', () => {
  it('falls back as pkg does when no config states a version', async () => {
    expect((await detectImageLayout(await metaWith('publisher'))).format).toBe(3);
    expect((await detectImageLayout(await metaWith('catalog'))).format).toBe(2);
    await expect(detectImageLayout(await metaWith('publisher', 'cache'))).rejects.toThrow('cannot tell the image format');
  });
});

describe('pkgQuote and manifestPath', () => {
  it('quote stems and versions like Python quote(s, safe="")', () => {
    expect(pkgQuote('system/library/c++-runtime')).toBe('system%2Flibrary%2Fc%2B%2B-runtime');
    expect(pkgQuote('0.5.11,5.11-0.151.1.8:20130315T000000Z')).toBe('0.5.11%2C5.11-0.151.1.8%3A20130315T000000Z');
  });

  it('put v4 manifests under the publisher and older ones under pkg/', () => {
    const pkg = { publisher: 'openindiana.org', stem: 'shell/bash', version: '5.0:20200101T000000Z' };
    const config = { variants: new Map(), facets: new Map(), sections: new Map() };
    expect(manifestPath({ meta: '/r/var/pkg', format: 4, config }, pkg)).toBe(
      '/r/var/pkg/publisher/openindiana.org/pkg/shell%2Fbash/5.0%3A20200101T000000Z',
    );
    expect(manifestPath({ meta: '/r/var/pkg', format: 2, config }, pkg)).toBe('/r/var/pkg/pkg/shell%2Fbash/5.0%3A20200101T000000Z/manifest');
  });
});
