import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FixturePackage, buildImage } from '../../test/ips/fixture-image.js';
import { InputError } from '../errors.js';
import { attr } from './action.js';
import { readInstalledImage } from './image-reader.js';
import { preserveOf } from './path-index.js';

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const coreOs: FixturePackage = {
  publisher: 'openindiana.org',
  stem: 'system/core-os',
  version: '0.5.11,5.11-2020.0.1.1:20200101T000000Z',
  manifest: [
    'set name=pkg.fmri value=pkg://openindiana.org/system/core-os@0.5.11,5.11-2020.0.1.1:20200101T000000Z',
    'dir path=etc group=sys mode=0755 owner=root',
    'file 0123abcd path=etc/passwd group=sys mode=0644 owner=root preserve=true',
    'file aaaa path=etc/motd mode=0644 preserve=renamenew',
    'file bbbb path=usr/bin/amd64only mode=0555 variant.arch=i386',
    'file cccc path=usr/bin/sparconly mode=0555 variant.arch=sparc',
    'file dddd path=usr/share/doc/README facet.doc=true mode=0444',
    'file eeee path=usr/share/man/man1/ls.1 facet.doc.man=true mode=0444',
    'link path=bin target=./usr/bin',
    'hardlink path=usr/bin/rm2 target=rm',
    'group groupname=smmsp gid=25',
    'user username=smmsp group=smmsp uid=25 password=NP ftpuser=false \\',
    '    gcos-field="SendMail Message Submission Program"',
    'driver name=e1000g alias=pci8086,1000 perms="* 0666 root sys"',
  ].join('\n'),
};
const sudo: FixturePackage = {
  publisher: 'openindiana.org',
  stem: 'security/sudo',
  version: '1.9.5,5.11-2020.0.1.2:20210101T000000Z',
  manifest: 'dir path=etc\nfile ffff path=etc/sudoers mode=0440 overlay=allow preserve=true\n',
};
const siteSudoers: FixturePackage = {
  publisher: 'site',
  stem: 'site/sudoers',
  version: '1.0:20210101T000000Z',
  manifest: 'file 9999 path=etc/sudoers mode=0440 overlay=true preserve=renameold\n',
};
const variants = { 'variant.arch': 'i386', 'variant.opensolaris.zone': 'global' };
const facets = { 'facet.doc.*': false, 'facet.doc': true };

describe.each([2, 3, 4] as const)('readInstalledImage on a v%i image', (format) => {
  const built = buildImage({ format, packages: [coreOs, sudo, siteSudoers], variants, facets }).then((root) => {
    roots.push(root);
    return root;
  });

  it('detects the format and lists the packages with their full versions', async () => {
    const image = await readInstalledImage(await built);
    expect(image.format).toBe(format);
    expect(image.packages.map((p) => p.fmri)).toEqual([
      'pkg://openindiana.org/security/sudo@1.9.5,5.11-2020.0.1.2:20210101T000000Z',
      'pkg://site/site/sudoers@1.0:20210101T000000Z',
      'pkg://openindiana.org/system/core-os@0.5.11,5.11-2020.0.1.1:20200101T000000Z',
    ]);
  });

  it('applies the variants and facets of the image', async () => {
    const { paths } = await readInstalledImage(await built);
    expect(paths.has('usr/bin/amd64only')).toBe(true);
    expect(paths.has('usr/bin/sparconly')).toBe(false);
    expect(paths.has('usr/share/doc/README')).toBe(true);
    expect(paths.has('usr/share/man/man1/ls.1')).toBe(false);
  });

  it('indexes files, dirs, links and hardlinks with their preserve values', async () => {
    const { paths } = await readInstalledImage(await built);
    expect(preserveOf(paths, '/etc/passwd')).toBe('true');
    expect(preserveOf(paths, 'etc/motd')).toBe('renamenew');
    expect(['etc', 'bin', 'usr/bin/rm2'].map((p) => paths.get(p)?.action.type)).toEqual(['dir', 'link', 'hardlink']);
    expect(paths.get('etc')?.others).toHaveLength(1);
  });

  it('lets the overlay=true file govern the path it overlays', async () => {
    const entry = (await readInstalledImage(await built)).paths.get('etc/sudoers');
    expect(entry?.fmri).toContain('site/sudoers');
    expect(attr(entry!.action, 'preserve')).toBe('renameold');
    expect(entry?.overlaid?.fmri).toContain('security/sudo');
  });

  it('lists user, group and driver actions', async () => {
    const image = await readInstalledImage(await built);
    expect(image.users.map((d) => attr(d.action, 'gcos-field'))).toEqual(['SendMail Message Submission Program']);
    expect(image.groups.map((d) => attr(d.action, 'gid'))).toEqual(['25']);
    expect(image.drivers.map((d) => attr(d.action, 'name'))).toEqual(['e1000g']);
  });
});

describe('readInstalledImage on bad input', () => {
  async function emptyRoot(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'preupd-ips-bad-'));
    roots.push(root);
    return root;
  }

  it('says a root without var/pkg is not an IPS image', async () => {
    const root = await emptyRoot();
    await expect(readInstalledImage(root)).rejects.toThrow(new InputError(join(root, 'var/pkg'), undefined, 'not an IPS image: no var/pkg directory'));
  });

  it('names an unknown format version', async () => {
    const root = await emptyRoot();
    await mkdir(join(root, 'var/pkg'), { recursive: true });
    await writeFile(join(root, 'var/pkg/pkg5.image'), '[image]\nversion = 5\n');
    await expect(readInstalledImage(root)).rejects.toThrow('unknown image format version 5 (known: 2, 3, 4)');
  });

  it('names the manifest file and line of a malformed action', async () => {
    const broken = { ...sudo, manifest: 'dir path=etc\nfile 1 2 path=x\n' };
    const root = await buildImage({ format: 4, packages: [broken] });
    roots.push(root);
    await expect(readInstalledImage(root)).rejects.toThrow(
      /publisher\/openindiana\.org\/pkg\/security%2Fsudo\/1\.9\.5%2C5\.11-2020\.0\.1\.2%3A20210101T000000Z:2: malformed action at position 8: whitespace in key$/,
    );
  });

  it('says which installed package has no manifest', async () => {
    const root = await buildImage({ format: 3, packages: [sudo] });
    roots.push(root);
    await rm(join(root, 'var/pkg/pkg'), { recursive: true });
    await expect(readInstalledImage(root)).rejects.toThrow(/manifest of installed package pkg:\/\/openindiana.org\/security\/sudo@.* is missing/);
  });
});
