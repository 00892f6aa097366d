import { randomUUID } from 'node:crypto';
import type { BeContainer, BootEnvironment, BootEnvironments } from './boot-environment.js';
import { InputError } from '../errors.js';
import { defaultBootfs, defaultIndex, findEntry, menuEntries, setDefaultBootfs, type Menu } from './menu-lst.js';
import { appendEntry, removeEntry, type NewEntry } from './menu-lst-edit.js';
import { readMenuFile, writeMenuFile } from './menu-lst-file.js';
import type { Runner } from './runner.js';
import type { Zfs } from './zfs.js';
import { userPropertyValue, type PropertyTable } from './zfs-parse.js';

export const LIBBE_UUID = 'org.opensolaris.libbe:uuid';
/** Where mount() keeps the mountpoint it replaced: `local:<path>` or `inherited`. */
export const SAVED_MOUNTPOINT = 'org.preupd:saved-mountpoint';

/** What a dry-run create would have made: fresh clones, whose state later dry calls track. */
interface PlannedBe {
  readonly datasets: readonly string[];
  readonly mounted: boolean;
  readonly saved: string | undefined;
}

function plannedProperties(plan: PlannedBe): PropertyTable {
  const property = (value: string, source = '-') => ({ value, source });
  return new Map(
    plan.datasets.map((dataset, i) => [
      dataset,
      new Map([
        ['mountpoint', property('-', i === 0 ? 'inherited' : `inherited from ${plan.datasets[0]}`)],
        ['mounted', property(plan.mounted ? 'yes' : 'no')],
        ['origin', property('(dry run)')],
        [SAVED_MOUNTPOINT, plan.saved === undefined ? property('-') : property(plan.saved, 'local')],
      ]),
    ]),
  );
}

export interface ZfsBeOptions extends BeContainer {
  /** `<pool mountpoint>/boot/grub/menu.lst`; no menu handling when undefined (no GRUB). */
  readonly menuPath?: string;
  readonly newUuid?: () => string;
}

/**
 * Boot environments without beadm, doing what libbe does (spec/illumos.md §6): clones with
 * canmount=noauto and a libbe uuid, a menu.lst entry in libbe's shape, activation by pool
 * bootfs + menu default + promote. Child datasets of a BE are cloned, mounted and promoted
 * with it, except that a child with its own (local) mountpoint is not mounted by mount().
 */
export class ZfsBootEnvironments implements BootEnvironments {
  readonly kind = 'zfs';
  /** BEs created under --dry-run, by root dataset. */
  private readonly planned = new Map<string, PlannedBe>();

  constructor(
    private readonly zfs: Zfs,
    private readonly runner: Runner,
    private readonly options: ZfsBeOptions,
  ) {}

  async list(): Promise<BootEnvironment[]> {
    const rows = await this.zfs.list({
      roots: [this.options.container],
      type: 'filesystem',
      depth: 1,
      properties: [LIBBE_UUID, 'mountpoint', 'mounted', 'used', 'creation'],
    });
    const bootfs = await this.zfs.poolProperty(this.options.pool, 'bootfs');
    return rows
      .filter((row) => row.name !== this.options.container)
      .map(({ name, properties: p }) => ({
        name: name.slice(this.options.container.length + 1),
        ...(p[LIBBE_UUID] && p[LIBBE_UUID] !== '-' ? { uuid: p[LIBBE_UUID] } : {}),
        activeNow: p.mounted === 'yes' && p.mountpoint === '/',
        activeOnReboot: name === bootfs,
        activeTemporarily: false,
        ...(p.mounted === 'yes' && p.mountpoint?.startsWith('/') ? { mountpoint: p.mountpoint } : {}),
        ...(/^\d+$/.test(p.used ?? '') ? { space: Number(p.used) } : {}),
        ...(/^\d+$/.test(p.creation ?? '') ? { created: Number(p.creation) } : {}),
      }));
  }

  /** Clones every dataset of the source BE; a failure destroys what was cloned so far. */
  async create(name: string, source: { be: string; snapshot: string }, title: string): Promise<void> {
    const from = this.dataset(source.be);
    const to = this.dataset(name);
    const { datasets, properties } = await this.describe(from);
    const keep = await this.defaultToKeep(to);
    try {
      for (const dataset of datasets) {
        const mountpoint = properties.get(dataset)?.get('mountpoint');
        await this.zfs.clone(`${dataset}@${source.snapshot}`, to + dataset.slice(from.length), {
          canmount: 'noauto',
          ...(mountpoint?.source === 'local' ? { mountpoint: mountpoint.value } : {}),
          ...(dataset === from ? { [LIBBE_UUID]: (this.options.newUuid ?? randomUUID)() } : {}),
        });
      }
    } catch (err) {
      if (await this.zfs.exists(to).catch(() => false)) await this.zfs.destroy(to, { recursive: true }).catch(() => {});
      throw err;
    }
    if (this.runner.dryRun) {
      const clones = datasets.map((dataset) => to + dataset.slice(from.length));
      this.planned.set(to, { datasets: clones, mounted: false, saved: undefined });
    }
    await this.addMenuEntry({ title, bootfs: to, sourceBootfs: from }, keep);
  }

  /** As beadm mount: the BE root's mountpoint becomes `mountpoint` until unmount restores it. */
  async mount(name: string, mountpoint: string): Promise<void> {
    const root = this.dataset(name);
    const { datasets, properties } = await this.describe(root);
    const current = properties.get(root);
    // Mounted twice without unmount: keep the first saved value, the original one.
    let saved = userPropertyValue(current?.get(SAVED_MOUNTPOINT));
    if (saved === undefined) {
      saved = current?.get('mountpoint')?.source === 'local' ? `local:${current.get('mountpoint')!.value}` : 'inherited';
      await this.zfs.set(root, { [SAVED_MOUNTPOINT]: saved });
    }
    await this.zfs.set(root, { mountpoint });
    for (const dataset of datasets) {
      const props = properties.get(dataset);
      // A child with its own mountpoint would land on the live system's path (libbe prefixes
      // the altroot instead): it stays unmounted.
      if (dataset !== root && props?.get('mountpoint')?.source === 'local') continue;
      if (props?.get('mounted')?.value !== 'yes') await this.zfs.mount(dataset);
    }
    this.updatePlan(root, { mounted: true, saved });
  }

  async unmount(name: string): Promise<void> {
    const root = this.dataset(name);
    const { datasets, properties } = await this.describe(root);
    for (const dataset of [...datasets].reverse()) {
      if (properties.get(dataset)?.get('mounted')?.value === 'yes') await this.zfs.unmount(dataset);
    }
    const saved = userPropertyValue(properties.get(root)?.get(SAVED_MOUNTPOINT));
    this.updatePlan(root, { mounted: false, saved: undefined });
    if (saved === undefined) return;
    if (saved.startsWith('local:')) await this.zfs.set(root, { mountpoint: saved.slice('local:'.length) });
    else await this.zfs.inherit(root, 'mountpoint');
    await this.zfs.inherit(root, SAVED_MOUNTPOINT);
  }

  async activate(name: string): Promise<void> {
    const root = this.dataset(name);
    await this.editMenu(`boot ${root} by default`, (menu) =>
      setDefaultBootfs(findEntry(menu, root) ? menu : appendEntry(menu, { title: name, bootfs: root }), root),
    );
    await this.zfs.setPoolProperty(this.options.pool, 'bootfs', root);
    const { datasets, properties } = await this.describe(root);
    for (const dataset of datasets) {
      if (properties.get(dataset)?.get('origin')?.value !== '-') await this.zfs.promote(dataset);
    }
  }

  /**
   * Destroys the BE's datasets (never dependents: they would be other BEs) and its menu entry.
   * Never its origin snapshot: `zfs destroy -r` of a clone leaves the snapshot it came from.
   */
  async destroy(name: string): Promise<void> {
    const root = this.dataset(name);
    const menu = this.options.menuPath ? await readMenuFile(this.options.menuPath) : undefined;
    if (menu && defaultBootfs(menu) === root) throw new Error(`${name} is the default boot entry; activate another BE first`);
    await this.zfs.destroy(root, { recursive: true });
    await this.editMenu(`remove entry for ${root}`, (m) => removeEntry(m, root));
  }

  /**
   * Only activate may change what boots next. Appending keeps the default entry's number, but
   * where that number names no entry (no menu yet, or one without entries) the new entry
   * would become the default: then the pool's bootfs, what boots now, must stay it. Without a
   * bootfs nothing says what boots now: refused, before anything is cloned.
   */
  private async defaultToKeep(newBootfs: string): Promise<string | undefined> {
    const path = this.options.menuPath;
    if (path === undefined) return undefined;
    const menu = await readMenuFile(path);
    if (menuEntries(menu)[defaultIndex(menu)] !== undefined) return undefined;
    const bootfs = await this.zfs.poolProperty(this.options.pool, 'bootfs');
    if (bootfs === undefined) {
      throw new InputError(path, undefined, `no entry is the default and pool ${this.options.pool} has no bootfs: adding ${newBootfs} would make it boot next`);
    }
    return bootfs;
  }

  /** Appends `entry`; `keep` (from defaultToKeep) gets an entry first if it has none, and is the default. */
  private async addMenuEntry(entry: NewEntry, keep: string | undefined): Promise<void> {
    if (keep === undefined) return this.editMenu(`add entry "${entry.title}" for ${entry.bootfs}`, (menu) => appendEntry(menu, entry));
    await this.editMenu(`add entry "${entry.title}" for ${entry.bootfs}, keeping ${keep} the default`, (menu) => {
      const withKeep = findEntry(menu, keep) ? menu : appendEntry(menu, { title: keep.slice(keep.lastIndexOf('/') + 1), bootfs: keep });
      return setDefaultBootfs(appendEntry(withKeep, entry), keep);
    });
  }

  private dataset(name: string): string {
    return `${this.options.container}/${name}`;
  }

  /**
   * The BE root and its child file systems (parents first) with the properties the
   * operations read. A BE created by this instance under --dry-run does not exist: it is
   * described as it would be (fresh clones, inherited mountpoints), so a dry run prints the
   * same commands as the real one.
   */
  private async describe(root: string): Promise<{ datasets: readonly string[]; properties: PropertyTable }> {
    const plan = this.planned.get(root);
    if (plan) return { datasets: plan.datasets, properties: plannedProperties(plan) };
    const rows = await this.zfs.list({ roots: [root], type: 'filesystem', depth: 'all', properties: [] });
    const datasets = rows.map((row) => row.name);
    return { datasets, properties: await this.zfs.get(datasets, ['mountpoint', 'mounted', 'origin', SAVED_MOUNTPOINT]) };
  }

  private updatePlan(root: string, change: Pick<PlannedBe, 'mounted' | 'saved'>): void {
    const plan = this.planned.get(root);
    if (plan) this.planned.set(root, { ...plan, ...change });
  }

  private async editMenu(what: string, edit: (menu: Menu) => Menu): Promise<void> {
    const path = this.options.menuPath;
    if (path === undefined) return;
    await this.runner.effect(`${path}: ${what}`, async () => writeMenuFile(path, edit(await readMenuFile(path))));
  }
}
