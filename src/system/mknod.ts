/**
 * FIFOs and device nodes, for reintegration (R2: "copy admin's entry"). Node has no mknod(2),
 * so the system `mknod` command makes them, as an argv through the Runner: printed like every
 * mutating command, and under `--dry-run` only printed. `mknod NAME p` and
 * `mknod NAME b|c MAJOR MINOR` read the same on illumos (usr/src/cmd/mknod/mknod.c, numbers
 * through strtol base 0) and Linux (coreutils); both make the node 0666 less the umask, owned
 * by the caller, and leave mode, owner and times to it.
 */
import type { Runner } from './runner.js';

/** bart's letters for what mknod makes: FIFO, block device, character device. */
export type NodeType = 'P' | 'B' | 'C';

export interface DeviceNumbers {
  readonly major: bigint;
  readonly minor: bigint;
}

/**
 * How each platform packs major and minor into st_rdev, as lstat on that platform reports it.
 * - illumos: Node is a 64-bit program there, and a 64-bit dev_t is major in the high 32 bits,
 *   minor in the low 32 (sys/mkdev.h NBITSMINOR64 32, sys/sysmacros.h L_BITSMINOR 32). Not
 *   the 32-bit form `(major << 18) | minor` that bart, a 32-bit program, prints (spec/bart.md §2.3).
 * - Linux: glibc's encoding (gnu_dev_major, gnu_dev_minor in bits/sysmacros.h), which libuv
 *   uses for st_rdev (makedev of statx's rdev_major and rdev_minor).
 */
const SPLITS: Partial<Record<NodeJS.Platform, (rdev: bigint) => DeviceNumbers>> = {
  sunos: (rdev) => ({ major: (rdev >> 32n) & 0xffffffffn, minor: rdev & 0xffffffffn }),
  linux: (rdev) => ({
    major: ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n),
    minor: (rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n),
  }),
};

/**
 * Major and minor of `rdev`, an st_rdev as lstat reports it on `platform` (bigint: exact).
 * Only illumos and Linux are known; any other platform throws.
 */
export function splitDevice(rdev: bigint, platform: NodeJS.Platform): DeviceNumbers {
  const split = SPLITS[platform];
  if (!split) throw new Error(`device numbers of ${platform} are not known`);
  return split(rdev);
}

/** mknod's arguments for a node of `type` at `at`; `rdev` (this platform's st_rdev) only for devices. */
export function mknodArgs(at: string, type: NodeType, rdev: bigint, platform: NodeJS.Platform): string[] {
  if (type === 'P') return [at, 'p'];
  const { major, minor } = splitDevice(rdev, platform);
  return [at, type === 'B' ? 'b' : 'c', major.toString(), minor.toString()];
}

/** What reintegration's executor is given to make nodes with (NodeMaker in src/replay/apply-op.ts). */
export interface MknodMaker {
  /** The runner only prints: the maker of a dry run. */
  readonly dryRun: boolean;
  /** Runs `mknod at ...`: a node of `type` where nothing is; `rdev` as this machine's lstat gives it. */
  make(at: string, type: NodeType, rdev: bigint): Promise<void>;
}

/**
 * A maker that runs `mknod` through `runner`, splitting device numbers as `platform` packs
 * them: the numbers come from this machine's lstat of the admin root. Undefined on a platform
 * whose packing is not known: nodes are then refused and reported, not made wrong.
 */
export function createNodeMaker(runner: Runner, platform: NodeJS.Platform = process.platform): MknodMaker | undefined {
  if (!SPLITS[platform]) return undefined;
  return {
    dryRun: runner.dryRun,
    async make(at, type, rdev) {
      await runner.run('mknod', mknodArgs(at, type, rdev, platform), { mutates: true });
    },
  };
}
