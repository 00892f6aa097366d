import { readFile } from 'node:fs/promises';
import { jsonError } from '../json-line.js';
import { isAbsolute } from 'node:path';
import { InputError } from '../errors.js';
import { beNameProblem, datasetNameProblem } from './zfs-name.js';

export const DEFAULT_CONFIG_PATH = '/etc/preupd.conf';
export const HASHES = ['md5', 'sha256', 'xxh64'] as const;

/** `/etc/preupd.conf` (spec/cli.md), JSON. */
export interface PreupdConfig {
  /** The root pool, e.g. `rpool`. */
  readonly pool: string;
  /** Dataset holding the boot environments, e.g. `rpool/ROOT` (libbe's container, spec §6). */
  readonly beContainer: string;
  /** Dataset for preupd's state (outside every BE, so it survives switching BEs). */
  readonly stateDataset: string;
  /** Where `stateDataset` is mounted; the state file and lock live here. */
  readonly stateMountpoint: string;
  /** BART rules file for reintegration; the built-in rules when absent. */
  readonly rulesFile?: string;
  readonly hash: (typeof HASHES)[number];
  /** Pristine snapshots `prune` keeps at least (the running BE's base is always kept). */
  readonly retention: number;
  /** Prefix of staged BE names: `<bePrefix>-<sequence>`. */
  readonly bePrefix: string;
}

const DEFAULTS = { hash: 'xxh64', retention: 3, bePrefix: 'preupd' } as const;
const KEYS = ['pool', 'beContainer', 'stateDataset', 'stateMountpoint', 'rulesFile', 'hash', 'retention', 'bePrefix'];

/** Reads and checks the configuration; every problem is one InputError line naming the file. */
export async function loadConfig(path = DEFAULT_CONFIG_PATH): Promise<PreupdConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no configuration file (see spec/cli.md; `preupd init` needs one)' : `cannot read: ${code}`;
    throw new InputError(path, undefined, what, { cause: err });
  }
  return parseConfig(text, path);
}

/** The pure half of loadConfig. */
export function parseConfig(text: string, file: string): PreupdConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const { line, what } = jsonError(text, err as Error);
    throw new InputError(file, line, `not valid JSON: ${what}`, { cause: err });
  }
  const fail = (what: string): never => {
    throw new InputError(file, undefined, what);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('expected a JSON object');
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) fail(`unknown key "${unknown}" (known: ${KEYS.join(', ')})`);
  const stringField = (key: string, optional = false): string | undefined => {
    const value = obj[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value === '') return fail(`"${key}" must be a non-empty string`);
    return value;
  };
  const dataset = (key: string): string => {
    const name = stringField(key)!;
    const problem = datasetNameProblem(name);
    if (problem !== undefined) fail(`"${key}": '${name}' is not a valid ZFS dataset name: ${problem}`);
    return name;
  };
  const pool = dataset('pool');
  if (pool.includes('/')) fail(`"pool": '${pool}' is a dataset, not a pool`);
  const beContainer = dataset('beContainer');
  const stateDataset = dataset('stateDataset');
  for (const [key, name] of [['beContainer', beContainer], ['stateDataset', stateDataset]] as const) {
    if (name !== pool && !name.startsWith(`${pool}/`)) fail(`"${key}": '${name}' is not in pool '${pool}'`);
  }
  if (stateDataset === beContainer || stateDataset.startsWith(`${beContainer}/`)) {
    fail(`"stateDataset": '${stateDataset}' is inside the BE container; state must outlive every BE`);
  }
  const stateMountpoint = stringField('stateMountpoint')!;
  const rulesFile = stringField('rulesFile', true);
  for (const [key, path] of [['stateMountpoint', stateMountpoint], ['rulesFile', rulesFile]] as const) {
    if (path !== undefined && !isAbsolute(path)) fail(`"${key}": '${path}' is not an absolute path`);
  }
  const hash = obj.hash ?? DEFAULTS.hash;
  if (!HASHES.includes(hash as never)) fail(`"hash" must be one of ${HASHES.join(', ')}`);
  const retention = obj.retention ?? DEFAULTS.retention;
  if (!Number.isInteger(retention) || (retention as number) < 1) fail('"retention" must be an integer >= 1');
  const bePrefix = stringField('bePrefix', true) ?? DEFAULTS.bePrefix;
  const beProblem = beNameProblem(`${bePrefix}-0000`);
  if (beProblem !== undefined) fail(`"bePrefix": '${bePrefix}' does not make valid BE names: ${beProblem}`);
  return {
    pool,
    beContainer,
    stateDataset,
    stateMountpoint,
    ...(rulesFile !== undefined ? { rulesFile } : {}),
    hash: hash as PreupdConfig['hash'],
    retention: retention as number,
    bePrefix,
  };
}

