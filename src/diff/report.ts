/**
 * Output of compare: bart's verbose and `-p` formats (compare.c `report_error`, spec/bart.md
 * §5.6) and preupd's `--json` lines. Text is latin1 byte strings, collected into large
 * chunks before it is written.
 */
import { asciiJson } from '../ascii-json.js';
import type { CompareChange } from './compare.js';

export type ReportFormat = 'verbose' | 'programmatic' | 'json';

/** Where formatted text goes: written as latin1 bytes, in chunks of about 64 KiB. */
export class ChunkedOutput {
  private pending = '';
  constructor(private readonly write: (chunk: Uint8Array) => void | Promise<void>) {}

  async push(text: string): Promise<void> {
    this.pending += text;
    // Perf: one write per ~64 KiB instead of one per line.
    if (this.pending.length >= 65536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending === '') return;
    const chunk = Buffer.from(this.pending, 'latin1');
    this.pending = '';
    await this.write(chunk);
  }
}

export interface ChangeFormatter {
  /** Text for one reported path. */
  format(change: CompareChange): string;
  /** Text after the last change (`-p` ends its last record with a newline). */
  end(anyReported: boolean): string;
}

/** bart's two formats share one "last reported name" that starts empty. */
function bartFormatter(programmatic: boolean): ChangeFormatter {
  let lastName = '';
  return {
    format(change) {
      let out = '';
      if (change.name !== lastName) {
        if (programmatic) out += lastName !== '' ? `\n${change.name} ` : `${change.name} `;
        else out += `${change.name}:\n`;
        lastName = change.name;
      }
      if (change.kind !== 'modify') return out + (programmatic ? `${change.kind} ` : `  ${change.kind}\n`);
      for (const c of change.changes) {
        out += programmatic ? `${c.attribute} ${c.control} ${c.test} ` : `  ${c.attribute}  control:${c.control}  test:${c.test}\n`;
      }
      return out;
    },
    end: (anyReported) => (programmatic && anyReported ? '\n' : ''),
  };
}

/**
 * One JSON object per line and reported path, e.g.
 * `{"name":"/etc/passwd","change":"modified","attributes":{"size":{"control":"42","test":"46"}}}`;
 * `change` is `added`, `removed` or `modified`. Names and values are the manifest's text
 * (octal escapes kept), its bytes above 0x7e written as `\u00XX` (see asciiJson).
 */
function jsonFormatter(): ChangeFormatter {
  const CHANGE = { add: 'added', delete: 'removed', modify: 'modified' } as const;
  return {
    format(change) {
      const record: Record<string, unknown> = { name: change.name, change: CHANGE[change.kind] };
      if (change.kind === 'modify') {
        record.attributes = Object.fromEntries(change.changes.map((c) => [c.attribute, { control: c.control, test: c.test }]));
      }
      return `${asciiJson(record)}\n`;
    },
    end: () => '',
  };
}

export function changeFormatter(format: ReportFormat): ChangeFormatter {
  return format === 'json' ? jsonFormatter() : bartFormatter(format === 'programmatic');
}
