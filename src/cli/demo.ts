/**
 * `preupd demo` (issue 6 item 4): the whole cycle on the sample system in corpus/demo, on a
 * file-backed ZFS pool, with the pkg/bootadm/svcadm/svccfg stand-ins of test/fixtures/bin
 * (this machine is no illumos): init, admin changes, status, stage, edits after staging,
 * first boot (boot-finish), status. Every system command is printed. Runs from a checkout.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { createDirDemoPool } from '../pipeline/demo-dir-pool.js';
import { createDemoPool, zfsUnavailable } from '../pipeline/demo-pool.js';
import type { CommandFactory } from './command.js';
import { EXIT_CODES_TEXT } from './exit-codes.js';
import type { CliIo } from './io.js';

const checkout = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(checkout, 'corpus', 'demo');
const standIns = join(checkout, 'test', 'fixtures', 'bin');

export const demoCommand: CommandFactory = ({ io, exit }) => ({
  command: 'demo',
  builder: (y) =>
    y
      .option('keep', { type: 'boolean', default: false, describe: 'keep the pool afterwards (destroy it with zpool destroy)' })
      .option('directories', { type: 'boolean', default: false, describe: 'use the directory backend (copies) even where zfs works' })
      .epilogue(EXIT_CODES_TEXT),
  handler: async (parsed) => {
    const args = parsed as unknown as { keep: boolean; directories: boolean };
    const say = (line: string) => io.stdout(`${line}\n`);
    const unavailable = args.directories ? 'asked for --directories' : zfsUnavailable();
    if (unavailable === undefined) {
      await say('== 1. a sample OpenSolaris-like system (corpus/demo/base, a v4 var/pkg image) on a file-backed pool');
    } else {
      await say(`NOTE: no ZFS here (${unavailable}): this demo runs on a directory backend that imitates zfs with`);
      await say('      full copies. It is for demos and tests only; real systems need ZFS.');
      await say('== 1. a sample OpenSolaris-like system (corpus/demo/base, a v4 var/pkg image) on the directory backend');
    }
    const log = (line: string) => void say(line);
    const demo = unavailable === undefined ? createDemoPool(join(corpus, 'base'), log) : createDirDemoPool(join(corpus, 'base'), log);
    let failed = false;
    try {
      const env: NodeJS.ProcessEnv = {
        ...io.env,
        ...demo.env,
        PREUPD_CONFIG: demo.config,
        PREUPD_ROOT: demo.live,
        PREUPD_PKG: join(standIns, 'pkg'),
        PREUPD_BOOTADM: join(standIns, 'bootadm'),
        PREUPD_SVCADM: join(standIns, 'svcadm'),
        PREUPD_SVCCFG: join(standIns, 'svccfg'),
        // No beadm: the zfs backend shows its own clones and menu.lst edits.
        PREUPD_BEADM: join(demo.work, 'no-beadm'),
        PREUPD_FAKE_PKG_UPDATE: join(corpus, 'update'),
        PREUPD_FAKE_PKG_PLAN: JSON.stringify({ 'add-packages': ['service/network/ntp'], 'change-packages': [], 'remove-packages': [], 'boot-archive-rebuild': true }),
        PREUPD_FINISH_COMMAND: '/usr/bin/preupd',
      };
      const { runCli } = await import('./main.js');
      const preupd = async (...argv: string[]) => {
        await say(`\n$ preupd ${argv.join(' ')}`);
        const status = await runCli(argv, { ...io, env });
        if (status > 1) throw new UsageError(`demo: preupd ${argv.join(' ')} exited ${status}`);
      };
      await preupd('init', '--base-snapshot', `${demo.container}/be0@install`);
      await say('\n== 2. the admin changes the running system (corpus/demo/admin)');
      await copyTree(io, join(corpus, 'admin'), demo.live);
      await preupd('status');
      await say('\n== 3. an update arrives: core-os and apache change, ntp is new (with its user); stage it');
      await preupd('stage');
      await say('\n== 4. the admin keeps working in the old BE after staging (corpus/demo/late)');
      await copyTree(io, join(corpus, 'late'), demo.live);
      await say('\n== 5. first boot of preupd-0002; its SMF service runs boot-finish (then disables and deletes itself)');
      demo.boot('preupd-0002');
      await preupd('boot-finish');
      await preupd('status');
      await say('\n== 6. the new root');
      for (const file of ['etc/hosts', 'etc/motd', 'etc/motd.new', 'etc/passwd', 'etc/apache2/httpd.conf', 'etc/late-note']) {
        await say(`--- ${file}\n${readFileSync(join(demo.live, file), 'latin1').trimEnd()}`);
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (args.keep) await say(`\nkept: pool ${demo.pool}, files under ${demo.work}`);
      else demo.destroy();
      if (!failed) exit(0);
    }
  },
});

async function copyTree(io: CliIo, from: string, to: string): Promise<void> {
  const files = execFileSync('find', ['.', '-type', 'f'], { cwd: from, encoding: 'utf8' }).split('\n').filter((f) => f !== '').sort();
  for (const file of files) await io.stdout(`  edit ${file.slice(2)}\n`);
  execFileSync('cp', ['-a', `${from}/.`, to]);
}
