/**
 * The pipeline's reintegration pass (stage, boot-finish) makes FIFOs and device nodes with
 * `mknod` through the system's runner, as `preupd reintegrate` does. The snapshots are plain
 * directories under a fake `.zfs/snapshot`; only mknod is really run.
 */
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CycleContext } from '../../src/pipeline/context.js';
import { reintegrateSnapshots } from '../../src/pipeline/reintegrate-snapshots.js';
import { createProcessRunner } from '../../src/system/process-runner.js';
import type { Runner } from '../../src/system/runner.js';
import { Zfs } from '../../src/system/zfs.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { cloneTree, describeTree, device, dir, fifo, file, tempDir, type Tree, writeTree } from './trees.js';

const DATASET = 'rpool/ROOT/be';

/** zfs says DATASET is mounted at `mountpoint` (so snapshots read through .zfs/snapshot); mknod really runs. */
function systemRunner(mountpoint: string, lines: string[]): Runner {
  const zfs = new FakeRunner((argv) =>
    argv[1] === 'get' && argv.at(-1) === DATASET ? { stdout: `${DATASET}\tmountpoint\t${mountpoint}\tlocal\n${DATASET}\tmounted\tyes\t-\n` } : undefined);
  const processes = createProcessRunner({ env: process.env, onCommand: (line) => lines.push(line) });
  return {
    dryRun: false,
    run: (command, args, options) => (command === 'mknod' ? processes.run(command, args, options) : zfs.run(command, args, options)),
    effect: (description, apply) => processes.effect(description, apply),
  };
}

describe('reintegrateSnapshots', () => {
  it('makes the admin\'s FIFOs and device nodes in the target, printing each mknod', async () => {
    const top = tempDir();
    const base: Tree = { etc: dir(), 'etc/motd': file('hello\n') };
    const admin: Tree = { ...base, 'etc/pipe': fifo({ mode: 0o620, uid: 2, gid: 3 }), 'etc/null': device('c', 1, 3, { mode: 0o666 }) };
    for (const [name, tree] of Object.entries({ base, admin, update: base })) writeTree(`${top}/mnt/.zfs/snapshot/${name}`, tree);
    mkdirSync(`${top}/target`);
    cloneTree(`${top}/mnt/.zfs/snapshot/update`, `${top}/target`);
    const lines: string[] = [];
    const runner = systemRunner(`${top}/mnt`, lines);
    const ctx = {
      config: { stateMountpoint: `${top}/state` },
      system: { runner, zfs: new Zfs(runner) },
      rootPath: '/',
      say: () => {},
    } as unknown as CycleContext;
    const pass = await reintegrateSnapshots(ctx, {
      snapshots: { base: `${DATASET}@base`, admin: `${DATASET}@admin`, update: `${DATASET}@update` },
      target: `${top}/target`,
      name: 'stages/1/stage',
    });
    expect(pass.report.refused).toEqual([]);
    const made = describeTree(`${top}/target`);
    expect([made['/etc/pipe'], made['/etc/null']]).toEqual(['P 620 2:3', expect.stringMatching(/^C 666 0:0 rdev 103 @/)]);
    expect(lines.map((line) => line.replace(/\.preupd-[0-9a-f]{16}\.tmp/, 'TMP'))).toEqual([
      `mknod ${top}/target/etc/TMP/node c 1 3`, `mknod ${top}/target/etc/TMP/node p`,
    ]);
  });
});
