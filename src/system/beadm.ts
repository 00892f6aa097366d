import { SystemCommandError } from '../errors.js';
import type { BootEnvironment, BootEnvironments } from './boot-environment.js';
import { parseBeadmList } from './beadm-parse.js';
import type { Runner } from './runner.js';

/**
 * Boot environments through beadm (spec/illumos.md §5.2, §5.4). Only the options the 2010
 * Python beadm also knows are used: `create -e be@snap -d`, `mount be mp` (mountpoint
 * always given), `unmount be`, `activate be`, `destroy -F be`, `list -H`.
 */
export class BeadmBootEnvironments implements BootEnvironments {
  readonly kind = 'beadm';

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

  async destroy(name: string): Promise<void> {
    await this.change(['destroy', '-F', name]);
  }

  private async change(args: string[]): Promise<void> {
    await this.runner.run('beadm', args, { mutates: true });
  }
}
