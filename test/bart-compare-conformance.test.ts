/**
 * Every `compare` case of corpus/bart-conformance through `preupd bart compare`, in-process:
 * the stored manifests and the case's rules file go to a temp dir, `cmd` runs with the
 * corpus' variables, and stdout, stderr and the exit status must match byte for byte.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/main.js';

const CORPUS = resolve(import.meta.dirname, '../corpus/bart-conformance');
const VARS: Record<string, string> = { CTRL: 'control.manifest', TEST: 'test.manifest', RULES: 'rules' };

/** The words of a one-line POSIX sh command with double quotes and $VARS, as the cases use. */
function shellWords(cmd: string): string[] {
  const words = cmd.trim().match(/(?:"[^"]*"|[^\s"]+)+/g) ?? [];
  return words.map((w) => w.replace(/"/g, '').replace(/\$(\w+)/g, (_m, v: string) => VARS[v] ?? ''));
}

/** The rules file a case.sh writes with `cat > "$W/rules" <<'RULES'`, if any. */
function rulesOf(caseSh: string): string | undefined {
  const m = /<<'RULES'\n([\s\S]*?)\nRULES\n/.exec(caseSh);
  return m ? `${m[1]}\n` : undefined;
}

function capturingIo(cwd: string, stdin = ''): CliIo & { out: () => Buffer; err: () => Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const keep = (into: Buffer[]) => (chunk: string | Uint8Array) => void into.push(Buffer.from(chunk as never, 'latin1' as never));
  return {
    stdout: keep(out),
    stderr: keep(err),
    stdin: () => Readable.from([Buffer.from(stdin, 'latin1')]),
    env: { TZ: 'UTC', LC_ALL: 'C' },
    cwd,
    stderrIsTty: false,
    out: () => Buffer.concat(out),
    err: () => Buffer.concat(err),
  };
}

const cases = readdirSync(CORPUS).filter(
  (name) => /^\d\d-/.test(name) && readFileSync(join(CORPUS, name, 'cmd'), 'latin1').startsWith('bart compare'),
);

describe('bart compare conformance (corpus/bart-conformance)', () => {
  it('covers the eight compare cases', () => {
    expect(cases).toEqual([
      '08-compare-default',
      '09-compare-p-dlines',
      '10-compare-i',
      '11-compare-rules',
      '12-compare-quirks',
      '13-rules-syntax-error',
      '15-compare-rules-global-only',
      '16-compare-rules-first-block',
    ]);
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(CORPUS, name);
    const work = mkdtempSync(join(tmpdir(), `preupd-${name}-`));
    for (const f of ['control.manifest', 'test.manifest']) copyFileSync(join(dir, f), join(work, f));
    const rules = rulesOf(readFileSync(join(dir, 'case.sh'), 'latin1'));
    if (rules !== undefined) writeFileSync(join(work, 'rules'), rules, 'latin1');
    const io = capturingIo(work);
    const status = await runCli(shellWords(readFileSync(join(dir, 'cmd'), 'latin1')), io);
    const expected = (f: string) => readFileSync(join(dir, f));
    expect(io.err().toString('latin1')).toBe(expected('expected.stderr').toString('latin1').replaceAll('$WORK', work));
    expect(io.out().toString('latin1')).toBe(expected('expected.stdout').toString('latin1'));
    expect(status).toBe(Number(expected('expected.exit').toString().trim()));
  });
});
