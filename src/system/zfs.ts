import { SystemCommandError } from '../errors.js';
import type { RunResult, Runner } from './runner.js';
import {
  isDatasetMissing,
  lacksListParsable,
  parseGetOutput,
  parseListOutput,
  parseZpoolGet,
  userPropertyValue,
  type PropertyTable,
} from './zfs-parse.js';

export type DatasetType = 'filesystem' | 'snapshot' | 'volume' | 'all';

export interface ListQuery {
  /** Datasets to start from; all pools when empty. */
  readonly roots?: readonly string[];
  readonly type?: DatasetType;
  /** `all` = `-r`; a number = `-d n` (`-d 1 -t snapshot fs` lists fs's own snapshots). */
  readonly depth?: number | 'all';
  /** Properties besides `name`, read as exact numbers (`-p`). */
  readonly properties: readonly string[];
}

/** One `zfs list` row: `name` plus the requested properties, raw (`-` = none). */
export interface DatasetRow {
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** Names per `zfs get` call in the list fallback, so argv stays far below ARG_MAX. */
const GET_BATCH = 200;
const BUSY_TRIES = 5;

/**
 * Thin typed `zfs`/`zpool` commands (spec/illumos.md §8). Mutating calls are flagged so
 * `--dry-run` prints them instead. Names are passed through; callers validate them
 * (src/pipeline/zfs-name.ts).
 */
export class Zfs {
  /** Whether `zfs list -p` works here; learnt on first use. */
  private listParsable: boolean | undefined;

  constructor(private readonly runner: Runner) {}

  /** Under --dry-run, changes are printed, not made. */
  get dryRun(): boolean {
    return this.runner.dryRun;
  }

  async snapshot(snapshot: string, options: { recursive?: boolean } = {}): Promise<void> {
    await this.mutate([...(options.recursive ? ['snapshot', '-r'] : ['snapshot']), snapshot]);
  }

  /** `zfs clone -o p=v ... snapshot target` (a BE-like clone: canmount=noauto, spec §6). */
  async clone(
    snapshot: string,
    target: string,
    properties: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    await this.mutate(['clone', ...propertyOptions(properties), snapshot, target]);
  }

  /** Moves the origin snapshot and every older one onto `clone` (spec §6): track snapshots by guid. */
  async promote(clone: string): Promise<void> {
    await this.mutate(['promote', clone]);
  }

  async destroy(name: string, options: { recursive?: boolean; dependents?: boolean; force?: boolean } = {}): Promise<void> {
    const flags = `${options.recursive ? 'r' : ''}${options.dependents ? 'R' : ''}${options.force ? 'f' : ''}`;
    await this.retryWhileBusy(() => this.mutate(['destroy', ...(flags ? [`-${flags}`] : []), name]));
  }

  /** One `zfs set` per property: 2009-era zfs and zfs-fuse take a single prop=value. */
  async set(name: string, properties: Readonly<Record<string, string>>): Promise<void> {
    for (const [property, value] of Object.entries(properties)) await this.mutate(['set', `${property}=${value}`, name]);
  }

  async inherit(name: string, property: string): Promise<void> {
    await this.mutate(['inherit', property, name]);
  }

  async mount(name: string): Promise<void> {
    await this.mutate(['mount', name]);
  }

  async unmount(name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.retryWhileBusy(() => this.mutate(['unmount', ...(options.force ? ['-f'] : []), name]));
  }

  /** `zfs get -Hp` of several properties of several datasets. */
  async get(names: readonly string[], properties: readonly string[]): Promise<PropertyTable> {
    // Without names, zfs get would report every dataset on the system.
    if (names.length === 0) return new Map();
    const result = await this.runner.run('zfs', ['get', '-Hp', '-o', 'name,property,value,source', properties.join(','), ...names]);
    return parsed(result, () => parseGetOutput(result.stdout));
  }

  /** One property's value; `undefined` for a user property that is not set. */
  async getProperty(name: string, property: string): Promise<string | undefined> {
    const entry = (await this.get([name], [property])).get(name)?.get(property);
    return property.includes(':') ? userPropertyValue(entry) : entry?.value;
  }

  async exists(name: string): Promise<boolean> {
    const result = await this.runner.run('zfs', ['list', '-H', '-o', 'name', name], { okStatuses: [0, 1] });
    if (result.status === 0) return true;
    if (isDatasetMissing(result.stderr)) return false;
    throw new SystemCommandError(result.argv, result.status, result.stderr);
  }

  /** `zfs list -H -p`, or on builds without `-p` the names from `zfs list -H` and the values from `zfs get -Hp`. */
  async list(query: ListQuery): Promise<DatasetRow[]> {
    if (this.listParsable !== false) {
      const columns = ['name', ...query.properties];
      const args = ['list', '-H', '-p', '-o', columns.join(','), ...selection(query)];
      const result = await this.runner.run('zfs', args, { okStatuses: [0, 2] });
      if (result.status === 0) {
        this.listParsable = true;
        return parsed(result, () => parseListOutput(result.stdout, columns)).map(({ name, ...properties }) => ({ name: name!, properties }));
      }
      if (!lacksListParsable(result.status, result.stderr)) throw new SystemCommandError(result.argv, result.status, result.stderr);
      this.listParsable = false;
    }
    const names = await this.runner.run('zfs', ['list', '-H', '-o', 'name', ...selection(query)]);
    return this.rowsFromGet(parsed(names, () => parseListOutput(names.stdout, ['name'])).map((row) => row.name!), query.properties);
  }

  /** `zpool get <property> <pool>`; undefined for `-`. */
  async poolProperty(pool: string, property: string): Promise<string | undefined> {
    const result = await this.runner.run('zpool', ['get', property, pool]);
    return parseZpoolGet(result.stdout, property);
  }

  async setPoolProperty(pool: string, property: string, value: string): Promise<void> {
    await this.runner.run('zpool', ['set', `${property}=${value}`, pool], { mutates: true });
  }

  private async rowsFromGet(names: string[], properties: readonly string[]): Promise<DatasetRow[]> {
    if (properties.length === 0) return names.map((name) => ({ name, properties: {} }));
    const table: PropertyTable = new Map();
    for (let i = 0; i < names.length; i += GET_BATCH) {
      for (const [name, props] of await this.get(names.slice(i, i + GET_BATCH), properties)) table.set(name, props);
    }
    return names.map((name) => ({
      name,
      properties: Object.fromEntries(properties.map((p) => [p, table.get(name)?.get(p)?.value ?? '-'])),
    }));
  }

  /**
   * "dataset is busy" right after the last file was closed is transient: FUSE (zfs-fuse)
   * releases file handles asynchronously, and on illumos a just-exited reader can hold a
   * mount briefly. Up to 5 tries, 0.2 s apart and growing.
   */
  private async retryWhileBusy(attempt: () => Promise<void>): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (tries >= BUSY_TRIES || !(err instanceof SystemCommandError && /busy/.test(err.stderr))) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * tries));
      }
    }
  }

  private async mutate(args: string[]): Promise<void> {
    await this.runner.run('zfs', args, { mutates: true });
  }
}

function propertyOptions(properties: Readonly<Record<string, string>>): string[] {
  return Object.entries(properties).flatMap(([property, value]) => ['-o', `${property}=${value}`]);
}

function selection(query: ListQuery): string[] {
  const depth = query.depth === 'all' ? ['-r'] : query.depth !== undefined ? ['-d', String(query.depth)] : [];
  return [...depth, ...(query.type ? ['-t', query.type] : []), ...(query.roots ?? [])];
}

/** Output we cannot read is reported like a failed command: it names the argv. */
function parsed<T>(result: RunResult, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new SystemCommandError(result.argv, result.status, `unexpected output: ${(err as Error).message}`, { cause: err });
  }
}
