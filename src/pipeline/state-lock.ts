import { hostname, uptime } from 'node:os';
import { dirname, join } from 'node:path';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { notInitialised } from './state-dataset.js';

/** Beside the state file: only one preupd run may use the state at a time. */
export const LOCK_FILE = 'preupd.lock';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface LockOptions {
  /** Who we are; defaults to this process. */
  readonly owner?: Omit<LockOwner, 'command' | 'since'>;
  /** Whether a pid on this host still runs; defaults to `kill(pid, 0)`. */
  readonly isAlive?: (pid: number) => boolean;
  readonly now?: () => Date;
  /** When this host last booted; defaults to the clock minus `os.uptime()`. */
  readonly bootTime?: () => Date;
}

/**
 * How far before the computed boot time a lock must have been written to count as from an
 * earlier boot: uptime comes in whole seconds on illumos (kstat boot_time) and `since` in
 * milliseconds, so a lock written in the first second of this boot can look a little older.
 */
const BOOT_SLACK_MS = 2000;

export interface StateLock {
  release(): Promise<void>;
}

export interface LockHolder extends LockOwner {
  /**
   * On this host, and written before it last booted or its pid no longer runs: the next
   * locking run takes the lock over (isStale).
   */
  readonly stale: boolean;
}

/** Who holds the lock, read without taking it (status); undefined when nobody does. */
export async function readLockHolder(dir: string, options: LockOptions = {}): Promise<LockHolder | undefined> {
  const owner = await readOwner(join(dir, LOCK_FILE));
  return owner && { ...owner, stale: isStale(owner, ownHost(options), options) };
}

/**
 * Takes the lock by creating the lock file exclusively (O_EXCL). A stale lock (isStale) is
 * taken over; it is first renamed away, so of two runs finding the same stale lock only one
 * removes it. A lock from another host (the pool was imported elsewhere) cannot be checked
 * and counts as held. Held: InputError, exit 2.
 * A missing `dir` means there is no state yet (before `preupd init`): the InputError saying so.
 */
export async function acquireLock(dir: string, command: string, options: LockOptions = {}): Promise<StateLock> {
  const file = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: options.owner?.pid ?? process.pid,
    host: ownHost(options),
    command,
    since: (options.now?.() ?? new Date()).toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(file, `${JSON.stringify(owner)}\n`)) {
      return { release: () => releaseIfOurs(file, owner) };
    }
    const holder = await readOwner(file);
    if (holder === undefined) {
      // released meanwhile, or being written by a racer: look again shortly
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (!isStale(holder, owner.host, options)) {
      throw new InputError(file, undefined, `held by ${holder.command} (pid ${holder.pid} on ${holder.host} since ${holder.since})`);
    }
    await removeStale(file, holder, `${file}.stale.${owner.pid}`);
  }
  throw new InputError(file, undefined, 'unreadable or contended lock; remove it if no preupd is running');
}

/**
 * Whether a lock no longer holds: only one written on `host` (ours) can be judged. One written
 * before this boot is stale whatever its pid: the state dataset is shared by all BEs, so a
 * run killed by the reboot leaves its lock for the first boot of the new BE, where an
 * unrelated process may have the same pid. Otherwise it is stale once its pid is gone.
 */
function isStale(holder: LockOwner, host: string, options: LockOptions): boolean {
  if (holder.host !== host) return false;
  const bootTime = options.bootTime?.() ?? new Date(Date.now() - uptime() * 1000);
  // An unparsable `since` (NaN) is never before boot: the pid decides.
  if (Date.parse(holder.since) < bootTime.getTime() - BOOT_SLACK_MS) return true;
  return !(options.isAlive ?? processIsAlive)(holder.pid);
}

function ownHost(options: LockOptions): string {
  return options.owner?.host ?? hostname();
}

/** Runs `fn` holding the lock, releasing it however `fn` ends. */
export async function withStateLock<T>(dir: string, command: string, fn: () => Promise<T>, options?: LockOptions): Promise<T> {
  const lock = await acquireLock(dir, command, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/**
 * Renames the lock aside and deletes it if it is still the stale one we judged; if a racer
 * had meanwhile replaced it with a live lock, that lock is linked back (link fails rather
 * than overwrite a third one).
 */
async function removeStale(file: string, stale: LockOwner, aside: string): Promise<void> {
  try {
    await rename(file, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readOwner(aside);
  if (moved && !sameOwner(moved, stale)) {
    await link(aside, file).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

/** Removes the lock only while it is still ours (it may have been removed and retaken by hand). */
async function releaseIfOurs(file: string, owner: LockOwner): Promise<void> {
  const holder = await readOwner(file);
  if (holder && sameOwner(holder, owner)) await unlink(file).catch(() => {});
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

async function createExclusive(file: string, content: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw code === 'ENOENT' ? notInitialised(dirname(file)) : err;
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
