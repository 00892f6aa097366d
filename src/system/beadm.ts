import { SystemCommandError } from '../errors.js';
import type { BootEnvironment, BootEnvironments } from './boot-environment.js';
import { parseBeadmList } from './beadm-parse.js';
import type { Runner } from './runner.js';

/**
 * Boot environments through beadm (spec/illumos.md §5.2, §5.4). Only the options the 2010
 * Python beadm also knows are used: `create -e be@snap -d`, `mount be mp` (mountpoint
 * always given), `unmount be`, `activate be`, `list -H`; `destroy` is dialect-dependent.
 */
export class BeadmBootEnvironments implements BootEnvironments {
  readonly kind = 'beadm';
  /** The letters of `beadm destroy [-...]` in this beadm's usage; learnt on first destroy. */
  private destroyOptions: string | undefined;

  constructor(private readonly runner: Runner) {}

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
   */
  async destroy(name: string): Promise<void> {
    await this.change(['destroy', (await this.destroyTakesS()) ? '-Fs' : '-F', name]);
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
