/**
 * A stand-in for ZFS made of directories and copies, for `preupd demo` on machines without
 * zfs (issue 6 item 4) — never for real systems: a snapshot is a full copy, a clone copies
 * it again, "mounting" moves the data directory onto the mountpoint. The model (datasets,
 * properties, snapshots by guid, origins, promotion) is kept in `<store>/pool.json`, so
 * every preupd process of a demo sees the same pool. dir-zfs-runner.ts speaks zfs's argv.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Dataset {
  props: Record<string, string>;
  mounted: boolean;
  origin?: string;
  guid: string;
  creation: number;
  /** Creation order (creation has only seconds). */
  seq: number;
  data: string;
}

interface Model {
  datasets: Record<string, Dataset>;
  pool: Record<string, string>;
  counter: number;
}

export class DirZfsError extends Error {}

export class DirZfsStore {
  private model: Model;

  constructor(private readonly store: string) {
    const file = join(store, 'pool.json');
    this.model = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Model) : { datasets: {}, pool: {}, counter: 0 };
  }

  save(): void {
    writeFileSync(join(this.store, 'pool.json'), JSON.stringify(this.model, null, 1));
  }

  names(): string[] {
    return Object.keys(this.model.datasets).sort();
  }

  has(name: string): boolean {
    return name in this.model.datasets;
  }

  private get(name: string): Dataset {
    const ds = this.model.datasets[name];
    if (!ds) throw new DirZfsError(`cannot open '${name}': dataset does not exist`);
    return ds;
  }

  /** value and source, as `zfs get` reports them. */
  property(name: string, property: string): { value: string; source: string } {
    const ds = this.get(name);
    if (property in ds.props) return { value: ds.props[property]!, source: 'local' };
    switch (property) {
      case 'mounted': return { value: ds.mounted ? 'yes' : 'no', source: '-' };
      case 'origin': return { value: ds.origin ?? '-', source: '-' };
      case 'guid': return { value: ds.guid, source: '-' };
      case 'creation': return { value: String(ds.creation), source: '-' };
      // The transaction group a dataset was made in: creation order, as seq keeps it.
      case 'createtxg': return { value: String(ds.seq), source: '-' };
      case 'used': return { value: '0', source: '-' };
      case 'type': return { value: name.includes('@') ? 'snapshot' : 'filesystem', source: '-' };
      case 'mountpoint': return this.inheritedMountpoint(name);
      case 'canmount': return { value: 'on', source: 'default' };
      default: return { value: '-', source: '-' };
    }
  }

  private inheritedMountpoint(name: string): { value: string; source: string } {
    if (name.includes('@')) return { value: '-', source: '-' };
    const slash = name.lastIndexOf('/');
    if (slash < 0) return { value: `/${name}`, source: 'default' };
    const parent = name.slice(0, slash);
    const up = this.property(parent, 'mountpoint').value;
    const value = up.startsWith('/') ? `${up.replace(/\/$/, '')}/${name.slice(slash + 1)}` : up;
    return { value, source: `inherited from ${parent}` };
  }

  private newDataset(name: string, props: Record<string, string>, origin?: string): Dataset {
    const data = join(this.store, 'data', String(++this.model.counter));
    const ds: Dataset = { props, mounted: false, guid: BigInt(`0x${randomBytes(8).toString('hex')}`).toString(), creation: Math.floor(Date.now() / 1000), seq: this.model.counter, data, ...(origin ? { origin } : {}) };
    this.model.datasets[name] = ds;
    return ds;
  }

  /** Where the data is now: on the mountpoint while mounted. */
  private location(name: string): string {
    const ds = this.get(name);
    return ds.mounted ? this.property(name, 'mountpoint').value : ds.data;
  }

  create(name: string, props: Record<string, string>): void {
    if (this.has(name)) throw new DirZfsError(`cannot create '${name}': dataset already exists`);
    const ds = this.newDataset(name, props);
    mkdirSync(ds.data, { recursive: true });
    this.autoMount(name);
  }

  snapshot(snapshot: string, recursive: boolean): void {
    const [fs, snap] = snapshot.split('@') as [string, string];
    const targets = recursive ? this.descendants(fs) : [fs];
    for (const target of targets) {
      if (this.has(`${target}@${snap}`)) throw new DirZfsError(`cannot create snapshot '${target}@${snap}': dataset already exists`);
      const copy = this.newDataset(`${target}@${snap}`, {});
      copyTree(this.location(target), copy.data);
    }
  }

  clone(snapshot: string, target: string, props: Record<string, string>): void {
    const source = this.get(snapshot);
    if (this.has(target)) throw new DirZfsError(`cannot create '${target}': dataset already exists`);
    const ds = this.newDataset(target, props, snapshot);
    copyTree(source.data, ds.data);
    this.autoMount(target);
  }

  /** The origin snapshot and older ones move to `clone`; the old parent becomes its clone (spec §6). */
  promote(clone: string): void {
    const ds = this.get(clone);
    if (!ds.origin) throw new DirZfsError(`cannot promote '${clone}': not a cloned filesystem`);
    const [parent, originSnap] = ds.origin.split('@') as [string, string];
    const cut = this.get(ds.origin).seq;
    const moving = this.snapshotsOf(parent).filter((s) => this.get(s).seq <= cut);
    const renamed = new Map(moving.map((s) => [s, `${clone}@${s.split('@')[1]}`]));
    for (const [from, to] of renamed) {
      this.model.datasets[to] = this.model.datasets[from]!;
      delete this.model.datasets[from];
    }
    for (const other of Object.values(this.model.datasets)) if (other.origin && renamed.has(other.origin)) other.origin = renamed.get(other.origin)!;
    const parentDs = this.get(parent);
    ds.origin = parentDs.origin;
    if (!ds.origin) delete ds.origin;
    parentDs.origin = `${clone}@${originSnap}`;
  }

  destroy(name: string, recursive: boolean): void {
    this.get(name);
    const victims = recursive ? this.recursiveVictims(name) : [name];
    if (!recursive && !name.includes('@') && this.snapshotsOf(name).length > 0) throw new DirZfsError(`cannot destroy '${name}': filesystem has children`);
    for (const victim of victims) {
      const dependent = Object.entries(this.model.datasets).find(([n, d]) => d.origin === victim && !victims.includes(n));
      if (dependent) throw new DirZfsError(`cannot destroy '${victim}': snapshot has dependent clones (${dependent[0]})`);
    }
    for (const victim of victims.reverse()) {
      if (this.get(victim).mounted) this.unmount(victim);
      execFileSync('rm', ['-rf', this.get(victim).data]);
      delete this.model.datasets[victim];
    }
  }

  /**
   * What `zfs destroy -r` takes: a file system with every file system and snapshot below it,
   * or a snapshot `fs@snap` with the same-named snapshot of every file system below fs.
   */
  private recursiveVictims(name: string): string[] {
    const at = name.indexOf('@');
    if (at >= 0) {
      const snap = name.slice(at);
      return this.descendants(name.slice(0, at)).map((fs) => fs + snap).filter((snapshot) => this.has(snapshot));
    }
    const filesystems = this.descendants(name);
    return [...filesystems, ...filesystems.flatMap((fs) => this.snapshotsOf(fs))];
  }

  set(name: string, property: string, value: string): void {
    const remount = property === 'mountpoint' && this.get(name).mounted;
    if (remount) this.unmount(name);
    this.get(name).props[property] = value;
    if (remount) this.mount(name);
  }

  inherit(name: string, property: string): void {
    const remount = property === 'mountpoint' && this.get(name).mounted;
    if (remount) this.unmount(name);
    delete this.get(name).props[property];
    if (remount) this.mount(name);
  }

  mount(name: string): void {
    const ds = this.get(name);
    const mountpoint = this.property(name, 'mountpoint').value;
    if (ds.mounted) throw new DirZfsError(`cannot mount '${name}': filesystem already mounted`);
    if (!mountpoint.startsWith('/')) throw new DirZfsError(`cannot mount '${name}': no mountpoint set`);
    if (existsSync(mountpoint)) {
      if (readdirSync(mountpoint).length > 0) throw new DirZfsError(`cannot mount '${mountpoint}': directory is not empty`);
      rmdirSync(mountpoint);
    }
    moveTree(ds.data, mountpoint);
    ds.mounted = true;
  }

  unmount(name: string): void {
    const ds = this.get(name);
    if (!ds.mounted) throw new DirZfsError(`cannot unmount '${name}': not currently mounted`);
    const mountpoint = this.property(name, 'mountpoint').value;
    moveTree(mountpoint, ds.data);
    mkdirSync(mountpoint, { recursive: true });
    ds.mounted = false;
  }

  poolProperty(property: string): string {
    return this.model.pool[property] ?? '-';
  }

  setPoolProperty(property: string, value: string): void {
    this.model.pool[property] = value;
  }

  /** `name` and the file systems below it, parents first. */
  descendants(name: string): string[] {
    return this.names().filter((n) => !n.includes('@') && (n === name || n.startsWith(`${name}/`)));
  }

  snapshotsOf(name: string): string[] {
    return this.names().filter((n) => n.startsWith(`${name}@`)).sort((a, b) => this.get(a).seq - this.get(b).seq);
  }

  private autoMount(name: string): void {
    const canmount = this.get(name).props.canmount ?? 'on';
    if (canmount === 'on' && this.property(name, 'mountpoint').value.startsWith('/')) this.mount(name);
  }
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  execFileSync('cp', ['-a', `${from}/.`, to]);
}

/** rename, or copy and remove across file systems (the store and /tmp may differ). */
function moveTree(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyTree(from, to);
    execFileSync('rm', ['-rf', from]);
  }
}
