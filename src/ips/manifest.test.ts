import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { attr, attrList } from './action.js';
import { formatManifest, parseManifest } from './manifest.js';

const corpusDir = new URL('../../corpus/ips/', import.meta.url);
const corpus = readdirSync(corpusDir).filter((name) => name.endsWith('.p5m'));

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('parseManifest', () => {
  it('glues continuation lines with no separator and numbers the action by its first line', () => {
    const parsed = parseManifest('# head\nset name=a \\\n    value=b\nset name=c\\\n  d=e value=f\n', { file: 'm' });
    expect(parsed.map((p) => [p.line, attr(p.action, 'name'), attr(p.action, 'value')])).toEqual([
      [2, 'a', 'b'],
      [4, 'cd=e', 'f'],
    ]);
  });

  it('checks for comments after joining, so a comment ending in \\ swallows the next line', () => {
    expect(parseManifest('# note \\\nset name=a value=b\n', { file: 'm' })).toEqual([]);
  });

  it('keeps a backslash followed by a space: no continuation', () => {
    expect(() => parseManifest('set name=a value=b \\ \nset name=c value=d\n', { file: 'm' })).toThrow(InputError);
  });

  it('names file and line of a bad action and counts the others', () => {
    const one = inputError(() => parseManifest('set name=a value=b\n\ndir 1 path=x\n', { file: 'pkg.p5m' }));
    expect(one.message).toBe("pkg.p5m:3: invalid action: action type doesn't allow payload");
    const two = inputError(() => parseManifest('frob a=b\nset name=x value=\n', { file: 'pkg.p5m' }));
    expect([two.line, two.message]).toEqual([1, "pkg.p5m:1: unknown action type 'frob' (and 1 more bad lines)"]);
  });

  it('rejects pkgmogrify directives and macro prefixes unless tolerant', () => {
    const text = '<include x.inc>\n$(i386_ONLY)file path=a/$(ARCH64)/b mode=0555\n';
    expect(inputError(() => parseManifest(text, { file: 'm' })).line).toBe(1);
    const [only] = parseManifest(text, { file: 'm', tolerant: true });
    expect(only?.action.type).toBe('file');
    expect(attr(only!.action, 'path')).toBe('a/$(ARCH64)/b');
  });
});

describe('the real manifests in corpus/ips', () => {
  it.each(corpus)('%s parses in tolerant mode and round-trips', (name) => {
    const text = readFileSync(new URL(name, corpusDir), 'utf8');
    const actions = parseManifest(text, { file: name, tolerant: true }).map((p) => p.action);
    expect(actions.length).toBeGreaterThan(0);
    const again = parseManifest(formatManifest(actions), { file: name }).map((p) => p.action);
    expect(again).toEqual(actions);
  });

  it('reads the e1000g driver with all its aliases and perms', () => {
    const text = readFileSync(new URL('driver-network-e1000g.p5m', corpusDir), 'utf8');
    const driver = parseManifest(text, { file: 'e1000g', tolerant: true }).find((p) => p.action.type === 'driver');
    expect(attrList(driver!.action, 'alias')).toHaveLength(274);
    expect(attr(driver!.action, 'perms')).toBe('* 0666 root sys');
  });

  it('reads the sendmail user split over lines, with its quoted gcos field', () => {
    const text = readFileSync(new URL('service-network-smtp-sendmail.p5m', corpusDir), 'utf8');
    const user = parseManifest(text, { file: 'sendmail', tolerant: true }).find((p) => p.action.type === 'user');
    expect(Object.fromEntries(user!.action.attrs)).toMatchObject({
      username: 'smmsp', uid: '25', ftpuser: 'false', password: 'NP',
      'gcos-field': 'SendMail Message Submission Program',
    });
  });

  it('finds the 84 preserve=true files of SUNWcs', () => {
    const text = readFileSync(new URL('SUNWcs.p5m', corpusDir), 'utf8');
    const actions = parseManifest(text, { file: 'SUNWcs', tolerant: true }).map((p) => p.action);
    expect(actions.filter((a) => attr(a, 'preserve') === 'true')).toHaveLength(84);
    expect(actions.filter((a) => a.type === 'driver')).toHaveLength(9);
  });
});
