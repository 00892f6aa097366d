import { hostname } from 'node:os';
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
}

export interface StateLock {
  release(): Promise<void>;
}

export interface LockHolder extends LockOwner {
  /** On this host and its pid no longer runs: the next locking run takes the lock over. */
  readonly stale: boolean;
}

/** Who holds the lock, read without taking it (status); undefined when nobody does. */
export async function readLockHolder(dir: string): Promise<LockHolder | undefined> {
  const owner = await readOwner(join(dir, LOCK_FILE));
  return owner && { ...owner, stale: owner.host === hostname() && !processIsAlive(owner.pid) };
}

/**
 * Takes the lock by creating the lock file exclusively (O_EXCL). A lock left by a process
 * that no longer runs on this host is stale and taken over; it is first renamed away, so of
 * two runs finding the same stale lock only one removes it. A lock from another host (the
 * pool was imported elsewhere) cannot be checked and counts as held. Held: InputError, exit 2.
 * A missing `dir` means there is no state yet (before `preupd init`): the InputError saying so.
 */
export async function acquireLock(dir: string, command: string, options: LockOptions = {}): Promise<StateLock> {
  const file = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    ...(options.owner ?? { pid: process.pid, host: hostname() }),
    command,
    since: (options.now?.() ?? new Date()).toISOString(),
  };
  const isAlive = options.isAlive ?? processIsAlive;
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
    if (holder.host !== owner.host || isAlive(holder.pid)) {
      throw new InputError(file, undefined, `held by ${holder.command} (pid ${holder.pid} on ${holder.host} since ${holder.since})`);
    }
    await removeStale(file, holder, `${file}.stale.${owner.pid}`);
  }
  throw new InputError(file, undefined, 'unreadable or contended lock; remove it if no preupd is running');
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
