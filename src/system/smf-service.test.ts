import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStandInLog, STAND_IN_BIN } from '../../test/fixtures/stand-ins.js';
import { stamp } from '../pipeline/context.js';
import { firstBootManifest, firstBootMethod, serviceFmri, stageFirstBootService, type FirstBootService } from './smf-service.js';

const DTD = join(import.meta.dirname, '..', '..', 'corpus', 'smf', 'service_bundle.dtd.1');
const xmllint = spawnSync('xmllint', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'preupd-smf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Maps the DOCTYPE's illumos path to the corpus copy, so xmllint has nothing to warn about
// (corpus/smf/SOURCES.md).
const catalog = join(dir, 'catalog.xml');
writeFileSync(
  catalog,
  `<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n` +
    `  <system systemId="/usr/share/lib/xml/dtd/service_bundle.dtd.1" uri="file://${DTD}"/>\n</catalog>\n`,
);

/** xmllint's verdict on `xml` against the real DTD: status and messages. */
function validate(xml: string, name = 'manifest.xml'): { status: number | null; stderr: string } {
  const file = join(dir, name);
  writeFileSync(file, xml);
  const env = { ...process.env, XML_CATALOG_FILES: catalog };
  const result = spawnSync('xmllint', ['--noout', '--nonet', '--dtdvalid', DTD, file], { encoding: 'utf8', env });
  return { status: result.status, stderr: result.stderr };
}

const STAGE_ID = '20240101T120000Z';
const service = stageFirstBootService(STAGE_ID, ['/usr/bin/preupd', 'boot-finish']);
const FMRI = `svc:/site/preupd-finish-${STAGE_ID}:default`;

describe.skipIf(!xmllint)(`first-boot manifest against the real DTD${xmllint ? '' : ' (skipped: apt-get install libxml2-utils)'}`, () => {
  it('is valid, and is what spec §7.3 describes: transient, after manifest-import', () => {
    const xml = firstBootManifest(service);
    expect(validate(xml)).toEqual({ status: 0, stderr: '' });
    expect(xml).toContain('<propval name="duration" type="astring" value="transient"/>');
    expect(xml).toContain(`<service name="site/preupd-finish-${STAGE_ID}" type="service" version="1">`);
    expect(xml).toContain(`exec="/lib/svc/method/preupd-finish-${STAGE_ID} %m" timeout_seconds="0"`);
    expect(xml).toContain('<service_fmri value="svc:/system/manifest-import:default"/>');
  });

  it('stays valid with markup characters in names and text', () => {
    const odd: FirstBootService = { ...service, methodPath: '/opt/a&b/"m"', description: 'finish <update> & "reboot"' };
    expect(validate(firstBootManifest(odd)).status).toBe(0);
  });

  it('the check is real: the DTD refuses a manifest with stability before property_group', () => {
    const xml = firstBootManifest(service);
    const stability = '    <stability value="Unstable"/>\n';
    const misordered = xml.replace(stability, '').replace('    <property_group', `${stability}    <property_group`);
    const verdict = validate(misordered, 'misordered.xml');
    expect(verdict.status).not.toBe(0);
    expect(verdict.stderr).toContain('Element service content does not follow the DTD');
  });
});

describe('first-boot method script', () => {
  /** Installs manifest + method under `dir` and runs the method as svc.startd would. */
  function runMethod(command: string[], fmri?: string) {
    const root = mkdtempSync(join(dir, 'root-'));
    const s: FirstBootService = {
      ...service,
      manifestPath: join(root, basename(service.manifestPath)),
      methodPath: join(root, basename(service.methodPath)),
      command,
      svcadm: join(STAND_IN_BIN, 'svcadm'),
    };
    writeFileSync(s.manifestPath, firstBootManifest(s));
    writeFileSync(s.methodPath, firstBootMethod(s), { mode: 0o555 });
    const log = join(root, 'log');
    const env = { ...process.env, PREUPD_FAKE_LOG: log, ...(fmri ? { SMF_FMRI: fmri } : {}) };
    const result = spawnSync('sh', [s.methodPath, 'start'], { env, encoding: 'utf8' });
    return { result, calls: readStandInLog(log), left: [s.manifestPath, s.methodPath].filter((p) => existsSync(p)) };
  }

  it('after a successful second pass disables its own instance and deletes manifest and method', () => {
    const { result, calls, left } = runMethod(['true'], FMRI);
    expect(result.status).toBe(0);
    expect(calls).toEqual([['svcadm', 'disable', FMRI]]);
    expect(left).toEqual([]);
  });

  it('without SMF_FMRI (run by hand) disables the service by its own FMRI', () => {
    expect(serviceFmri(service)).toBe(FMRI);
    expect(runMethod(['true']).calls).toEqual([['svcadm', 'disable', FMRI]]);
  });

  it('after a second pass that finished with conflicts (exit 1) removes itself too, naming the report', () => {
    const { result, calls, left } = runMethod(['sh', '-c', 'exit 1'], FMRI);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('finished with conflicts; see its report');
    expect(calls).toEqual([['svcadm', 'disable', FMRI]]);
    expect(left).toEqual([]);
  });

  it('when the second pass fails exits 95 (maintenance) and keeps itself for the admin', () => {
    for (const failure of [2, 3]) {
      const { result, calls, left } = runMethod(['sh', '-c', `exit ${failure}`], FMRI);
      expect(result.status).toBe(95);
      // Names this stage's FMRI, the one to `svcadm clear`.
      expect(result.stderr).toContain(`${FMRI}: the second pass failed (exit ${failure}); see its report, then clear the service to retry`);
      expect(calls).toEqual([]);
      expect(left).toHaveLength(2);
    }
  });

  it('refuses methods other than start', () => {
    const root = mkdtempSync(join(dir, 'stop-'));
    writeFileSync(join(root, 'm'), firstBootMethod(service));
    expect(spawnSync('sh', [join(root, 'm'), 'refresh']).status).toBe(95);
    expect(readFileSync(join(root, 'm'), 'utf8').startsWith('#!/sbin/sh\n')).toBe(true);
  });
});

describe('one service per stage', () => {
  // Stage carries the running BE's SMF repository into the new BE. A BE whose service ran
  // holds it there, disabled, with its manifest's hash, until its next boot: the next stage's
  // service must be another service, new to that repository, not that disabled one.
  const first = stamp(new Date('2024-01-01T12:00:00.123Z'));
  const second = stamp(new Date('2024-01-02T03:04:05Z'));
  const [a, b] = [first, second].map((id) => stageFirstBootService(id, ['/usr/bin/preupd', 'boot-finish']));

  it('two stages get services that differ in name, FMRI, manifest and method', () => {
    expect(a).toMatchObject({
      name: 'site/preupd-finish-20240101T120000Z',
      manifestPath: '/var/svc/manifest/site/preupd-finish-20240101T120000Z.xml',
      methodPath: '/lib/svc/method/preupd-finish-20240101T120000Z',
    });
    expect(serviceFmri(b!)).toBe('svc:/site/preupd-finish-20240102T030405Z:default');
    expect(b!.name).not.toBe(a!.name);
    expect(b!.manifestPath).not.toBe(a!.manifestPath);
    expect(b!.methodPath).not.toBe(a!.methodPath);
    // Each manifest and method names only its own service and files.
    expect(firstBootManifest(b!)).not.toContain(first);
    expect(firstBootMethod(b!)).not.toContain(first);
    expect(firstBootMethod(b!)).toContain(`rm -f '${b!.manifestPath}' '${b!.methodPath}'`);
  });

  it('names are SMF identifiers (libuutil uu_ident.c: a letter, then letters, digits, - and _) in the site manifest directory', () => {
    for (const s of [a!, b!]) {
      const [category, ident] = s.name.split('/');
      expect(category).toBe('site');
      expect(ident).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
      expect(s.manifestPath).toBe(`/var/svc/manifest/site/${ident}.xml`);
    }
  });

  it.skipIf(!xmllint)('both manifests are valid against the real DTD', () => {
    expect(validate(firstBootManifest(a!), 'a.xml')).toEqual({ status: 0, stderr: '' });
    expect(validate(firstBootManifest(b!), 'b.xml')).toEqual({ status: 0, stderr: '' });
  });

  it('refuses a stage id that cannot name a service or a file', () => {
    for (const id of ['', '2024/01', '2024.01', '+0100101T000000Z', 'a b']) {
      expect(() => stageFirstBootService(id, ['true'])).toThrow(/cannot name an SMF service/);
    }
  });
});
