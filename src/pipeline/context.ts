/**
 * What every cycle command starts from (spec/cli.md "The preemptive update cycle"): the
 * configuration, the system layer wired to it, and where the running root is.
 */
import { createSystem, type System } from '../system/system.js';
import { createDirZfsRunner } from './dir-zfs-runner.js';
import { DEFAULT_CONFIG_PATH, loadConfig, type PreupdConfig } from './config.js';
import { notInitialised, stateDatasetExists } from './state-dataset.js';
import { readState } from './state-file.js';
import { syncSnapshotNames } from './state-snapshots.js';
import type { PreupdState } from './state.js';

export interface CycleContext {
  readonly config: PreupdConfig;
  readonly system: System;
  /**
   * Where the running system's root is mounted: `/`, or `PREUPD_ROOT` in tests and demos,
   * where the "running" BE is a dataset mounted elsewhere (nothing can be mounted on /).
   */
  readonly rootPath: string;
  /**
   * Whether the state dataset existed when the context was opened (not before `preupd init`).
   * When it does, it is mounted on config.stateMountpoint: openContext refuses otherwise.
   */
  readonly stateDatasetExists: boolean;
  /** Every line for the user: commands run (or, dry, not run), effects, progress. */
  readonly say: (line: string) => void;
}

export interface ContextOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dryRun?: boolean;
  readonly say: (line: string) => void;
  /** A prepared system (tests, the demo's directory backend). */
  readonly system?: System;
}

export async function openContext(options: ContextOptions): Promise<CycleContext> {
  const config = await loadConfig(options.env.PREUPD_CONFIG || DEFAULT_CONFIG_PATH);
  const runnerOptions = {
    env: options.env,
    dryRun: options.dryRun ?? false,
    onCommand: (line: string) => options.say(line.startsWith('#') ? line : `+ ${line}`),
  };
  // PREUPD_DIR_ZFS: the demo's directory backend (copies, never for a real system).
  const store = options.env.PREUPD_DIR_ZFS;
  const system =
    options.system ??
    (await createSystem({
      pool: config.pool,
      beContainer: config.beContainer,
      ...runnerOptions,
      ...(store ? { runner: createDirZfsRunner(store, runnerOptions) } : {}),
    }));
  // Checked here for every cycle command: a stage on an unmounted state dataset would write
  // the state (and lock) into a plain directory of the running BE.
  const exists = await stateDatasetExists(system.zfs, config);
  return { config, system, rootPath: options.env.PREUPD_ROOT || '/', stateDatasetExists: exists, say: options.say };
}

/** The state with names refreshed by guid; exit 2 before `preupd init`. */
export async function loadInitialisedState(ctx: CycleContext): Promise<{ state: PreupdState; missing: readonly string[] }> {
  // Without the dataset, a state file there is not the one every BE shares.
  const state = ctx.stateDatasetExists ? await readState(ctx.config.stateMountpoint) : undefined;
  if (state === undefined) throw notInitialised(ctx.config.stateMountpoint);
  return syncSnapshotNames(state, ctx.system.zfs, ctx.config.beContainer);
}

/** `<container>/<be>@<snap>` -> its parts; undefined when the snapshot is not on a BE root. */
export function snapshotOnBe(container: string, snapshot: string): { be: string; snapshot: string } | undefined {
  const match = /^(.*)\/([^/@]+)@([^@]+)$/.exec(snapshot);
  if (!match || match[1] !== container) return undefined;
  return { be: match[2]!, snapshot: match[3]! };
}

/** UTC `YYYYMMDDTHHMMSSZ`: the stage id (valid in ZFS names and, after a prefix, SMF service names; sorts by time). */
export function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
