/**
 * The first-boot service's command must run under svc.startd's environment, whose PATH
 * (/usr/sbin:/usr/bin) may hold no node: bin/preupd's `#!/usr/bin/env node` then exits 127.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { finishCommand } from '../src/cli/stage.js';
import { PREUPD } from './real-tree.js';

it('runs preupd with no node on PATH', () => {
  const [program, ...args] = finishCommand({}, PREUPD);
  expect(args.at(-1)).toBe('boot-finish');
  const run = spawnSync(program!, [...args.slice(0, -1), 'boot-finish', '--help'], { env: { PATH: '/nonexistent' }, encoding: 'utf8' });
  expect([run.status, run.stderr]).toEqual([0, '']);
  expect(run.stdout).toMatch(/^preupd boot-finish/);
  // What the script alone did: env finds no node.
  expect(spawnSync(PREUPD, ['boot-finish', '--help'], { env: { PATH: '/nonexistent' } }).status).toBe(127);
});

it('runs what PREUPD_FINISH_COMMAND names instead (tests and the demo)', () => {
  expect(finishCommand({ PREUPD_FINISH_COMMAND: '/usr/bin/preupd' }, PREUPD)).toEqual(['/usr/bin/preupd', 'boot-finish']);
});
