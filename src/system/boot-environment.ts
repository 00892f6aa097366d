/** A boot environment as `beadm list -H` describes it (spec/illumos.md §5.2). */
export interface BootEnvironment {
  readonly name: string;
  readonly uuid?: string;
  /** `N`: the running BE. */
  readonly activeNow: boolean;
  /** `R`: booted next (the pool's bootfs). */
  readonly activeOnReboot: boolean;
  /** `T`: modern beadm's one-time activation. */
  readonly activeTemporarily: boolean;
  readonly mountpoint?: string;
  /** Bytes. */
  readonly space?: number;
  readonly policy?: string;
  /** Epoch seconds. */
  readonly created?: number;
}

/** Where the BEs are: libbe's container in the root pool (spec/illumos.md §6). */
export interface BeContainer {
  readonly pool: string;
  /** `<pool>/ROOT` (libbe's container). */
  readonly container: string;
}

export interface DestroyOptions {
  /**
   * Under --dry-run only: the origin the BE's root would have by now had the printed commands
   * run (a printed promotion of its clone renames it onto that clone); read from zfs otherwise.
   */
  readonly plannedOrigin?: string;
}

/**
 * Boot environment operations, by beadm (beadm.ts) or, where beadm is absent, by zfs plus
 * our own menu.lst handling (be-zfs.ts). Names are BE names, not datasets.
 */
export interface BootEnvironments {
  readonly kind: 'beadm' | 'zfs';
  list(): Promise<BootEnvironment[]>;
  /** `beadm create -e <source.be>@<source.snapshot> -d <title> <name>`: a clone of a BE snapshot. */
  create(name: string, source: { readonly be: string; readonly snapshot: string }, title: string): Promise<void>;
  /** Mounts the BE (and its child datasets) on an existing empty directory. */
  mount(name: string, mountpoint: string): Promise<void>;
  unmount(name: string): Promise<void>;
  /** Boot `name` next: menu default, pool bootfs, promote (spec §6). */
  activate(name: string): Promise<void>;
  /**
   * Destroys the BE (its file systems and their snapshots), never the snapshot it was cloned
   * from: preupd's pristine chain is preupd's to prune (prune.ts), although libbe's
   * be_destroy destroys a BE's origin snapshot once no other clone depends on it.
   */
  destroy(name: string, options?: DestroyOptions): Promise<void>;
}
