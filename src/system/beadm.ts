import { InputError, SystemCommandError } from '../errors.js';
import type { BeContainer, BootEnvironment, BootEnvironments, DestroyOptions } from './boot-environment.js';
import { parseBeadmList } from './beadm-parse.js';
import type { Runner } from './runner.js';
import type { Zfs } from './zfs.js';

/** Set on the temporary clone that keeps a BE's origin through `beadm destroy`: the origin's name. */
export const KEEP_ORIGIN = 'org.preupd:keep-origin';

/**
 * Boot environments through beadm (spec/illumos.md §5.2, §5.4). Only the options the 2010
 * Python beadm also knows are used: `create -e be@snap -d`, `mount be mp` (mountpoint
 * always given), `unmount be`, `activate be`, `list -H`; `destroy` is dialect-dependent.
 */
export class BeadmBootEnvironments implements BootEnvironments {
  readonly kind = 'beadm';
  /** The letters of `beadm destroy [-...]` in this beadm's usage; learnt on first destroy. */
  private destroyOptions: string | undefined;

  constructor(
    private readonly zfs: Zfs,
    private readonly runner: Runner,
    private readonly options: BeContainer,
  ) {}

  async list(): Promise<BootEnvironment[]> {
    const result = await this.runner.run('beadm', ['list', '-H']);
    try {
      return parseBeadmList(result.stdout);
    } catch (err) {
      throw new SystemCommandError(result.argv, result.status, `unexpected output: ${(err as Error).message}`, { cause: err });
    }
  }

  async create(name: string, source: { be: string; snapshot: string }, title: string): Promise<void> {
    await this.change(['create', '-e', `${source.be}@${source.snapshot}`, '-d', title, name]);
  }

  async mount(name: string, mountpoint: string): Promise<void> {
    await this.change(['mount', name, mountpoint]);
  }

  async unmount(name: string): Promise<void> {
    await this.change(['unmount', name]);
  }

  async activate(name: string): Promise<void> {
    await this.change(['activate', name]);
  }

  /**
   * Every preupd BE has snapshots (@preupd-pristine-N, @preupd-staged-...): illumos libbe
   * refuses those without `-s` (BE_ERR_SS_EXISTS). The 2010 Python beadm has no `-s` and
   * always destroys the snapshots. Either way libbe first promotes any clone of them
   * (be_demote_callback), so a pristine chain other BEs hang on moves instead of going.
   *
   * libbe's be_destroy then also destroys the snapshot the BE root was cloned from (and that
   * snapshot of its children) when no other clone depends on it (numclones 0), with or
   * without `-s`: a preupd BE's origin is a pristine snapshot of the chain, usually the
   * newest (a stage that found no updates destroys its BE). So for the time of the destroy
   * the root's origin gets another clone, never mounted, destroyed after with a plain
   * `zfs destroy`, which never touches an origin. Only the root's: libbe reads no other.
   */
  async destroy(name: string, options: DestroyOptions = {}): Promise<void> {
    const args = ['destroy', (await this.destroyTakesS()) ? '-Fs' : '-F', name];
    const origin = await this.rootOrigin(name, options);
    if (origin === undefined) return this.change(args);
    const keeper = this.keeper();
    await this.removeLeftoverKeeper(keeper);
    await this.zfs.clone(origin, keeper, { canmount: 'off', [KEEP_ORIGIN]: origin });
    try {
      await this.change(args);
    } catch (err) {
      await this.zfs.destroy(keeper).catch(() => {});
      throw err;
    }
    await this.zfs.destroy(keeper);
  }

  /**
   * The temporary clone: a file system of the pool, outside the BE container, since libbe
   * takes every child of the container for a BE (`beadm list` would show it, and
   * `beadm destroy` of it would destroy our origin after all). Where BEs sit directly under
   * the pool (BENAME_STARTS_WITH in /etc/default/be), libbe takes only names with that prefix.
   */
  private keeper(): string {
    return `${this.options.pool}/preupd-keep-origin`;
  }

  /**
   * The root's origin snapshot, undefined for a BE cloned from nothing; undefined too when
   * the BE does not exist: beadm then says so. Under --dry-run the caller may know better.
   */
  private async rootOrigin(name: string, options: DestroyOptions): Promise<string | undefined> {
    if (this.runner.dryRun && options.plannedOrigin !== undefined) return options.plannedOrigin;
    const root = `${this.options.container}/${name}`;
    if (!(await this.zfs.exists(root))) return undefined;
    const origin = await this.zfs.getProperty(root, 'origin');
    return origin === undefined || origin === '-' ? undefined : origin;
  }

  /** A keeper left by a destroy that was killed goes first; a dataset of that name preupd did not make is refused. */
  private async removeLeftoverKeeper(keeper: string): Promise<void> {
    if (!(await this.zfs.exists(keeper))) return;
    if ((await this.zfs.getProperty(keeper, KEEP_ORIGIN)) === undefined) {
      throw new InputError(keeper, undefined, `exists but was not made by preupd (no ${KEEP_ORIGIN}): destroy or rename it`);
    }
    await this.zfs.destroy(keeper);
  }

  /**
   * Read from the usage `beadm` prints without arguments (a read: the same under --dry-run):
   * beadm.c says `destroy [-Ffsv] beName`, the Python beadm `destroy [-fF] beName`. Unreadable
   * usage means a beadm newer than both: `-s`.
   */
  private async destroyTakesS(): Promise<boolean> {
    if (this.destroyOptions === undefined) {
      const usage = await this.runner.run('beadm', [], { okStatuses: [0, 1, 2] });
      this.destroyOptions = /destroy \[-(\w+)\] beName/.exec(usage.stdout + usage.stderr)?.[1] ?? 's';
    }
    return this.destroyOptions.includes('s');
  }

  private async change(args: string[]): Promise<void> {
    await this.runner.run('beadm', args, { mutates: true });
  }
}
