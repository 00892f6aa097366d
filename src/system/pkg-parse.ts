/**
 * What `pkg` tells us (spec/illumos.md §5.1, pkgdefs.py exit codes). Pure.
 */

/** pkg's exit statuses; 2009.06 `image-update` knows only 0 and 1. */
export const PKG_EXIT = { ok: 0, error: 1, badOptions: 2, partial: 3, nothingToDo: 4 } as const;

const MEANING: Readonly<Record<number, string>> = {
  1: 'error',
  2: 'bad options',
  3: 'partial failure',
  5: 'operation not possible on a live image',
  6: 'licenses need --accept',
  7: 'image locked',
  8: 'actuator timeout',
  51: 'cannot access image',
  52: 'image diverged',
  53: 'not linked to a parent image',
  54: 'linked operation must run from the parent image',
};

/** A word on what an exit status means, for error messages. */
export function pkgExitMeaning(status: number): string | undefined {
  return MEANING[status];
}

/** 2009.06 `image-update` says this and exits 0 when there is nothing to do. */
export function saysNothingToDo(output: string): boolean {
  return output.includes('No updates available for this image');
}

/** The parts of `--parsable=0` output preupd uses (client.py l.1121-1145). */
export interface PkgPlan {
  readonly added: readonly string[];
  /** [installed FMRI, new FMRI] pairs. */
  readonly changed: readonly (readonly [string, string])[];
  readonly removed: readonly string[];
  /** pkg's own opinion; null/absent when it did not say. */
  readonly bootArchiveRebuild?: boolean;
}

/** The JSON object pkg printed with `--parsable=0` (the last line that is one), or undefined. */
export function parseParsablePlan(stdout: string): PkgPlan | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.trimStart().startsWith('{'));
  if (line === undefined) return undefined;
  const raw = JSON.parse(line) as Record<string, unknown>;
  const strings = (key: string): string[] => (Array.isArray(raw[key]) ? (raw[key] as unknown[]).map(String) : []);
  const changed = Array.isArray(raw['change-packages'])
    ? (raw['change-packages'] as unknown[]).map((pair) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`change-packages entry is not a pair: ${JSON.stringify(pair)}`);
        return [String(pair[0]), String(pair[1])] as const;
      })
    : [];
  const rebuild = raw['boot-archive-rebuild'];
  return {
    added: strings('add-packages'),
    changed,
    removed: strings('remove-packages'),
    ...(typeof rebuild === 'boolean' ? { bootArchiveRebuild: rebuild } : {}),
  };
}
