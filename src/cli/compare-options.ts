import type { Argv } from 'yargs';

/** The options `manifest compare` and `diff` share: what to ignore and how to print. */
export function withCompareOutputOptions<T>(y: Argv<T>) {
  return y
    .option('i', { type: 'string', array: true, requiresArg: true, describe: 'ignore these attributes (comma-separated keywords, repeatable)' })
    .option('p', { type: 'boolean', describe: "bart's programmatic format: one line per path" })
    .option('json', { type: 'boolean', describe: 'one JSON object per changed path, every changed attribute' })
    .conflicts('p', 'json');
}
