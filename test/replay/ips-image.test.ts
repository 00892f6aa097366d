/**
 * Reintegration of roots that carry an IPS image: `preserve` comes from update's installed
 * manifests (R5.3), and update's group actions are checked and re-applied on the target.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { buildImage, type FixturePackage } from '../ips/fixture-image.js';
import { cloneTree, describeTree, dir, file, tempDir, type Tree, writeTree } from './trees.js';

const app = (version: string): FixturePackage => ({
  publisher: 'test', stem: 'app', version,
  manifest: ['dir path=etc mode=0755 owner=root group=sys', 'file 0123 path=etc/app.conf mode=0644 owner=root group=sys preserve=renameold', 'group groupname=svc gid=90'].join('\n'),
});

async function imageRoot(tree: Tree, version: string): Promise<string> {
  const root = await buildImage({ format: 4, packages: [app(version)] });
  writeTree(root, tree);
  return root;
}

/** `preupd reintegrate` in-process into a fresh copy of update; stderr passes through. */
async function reintegrate(baseRoot: string, adminRoot: string, updateRoot: string) {
  const target = tempDir();
  cloneTree(updateRoot, target);
  let stdout = '';
  const status = await runCli(['reintegrate', '--base', baseRoot, '--admin', adminRoot, '--update', updateRoot, '--target', target], {
    stdout: (c) => void (stdout += Buffer.from(c as Uint8Array).toString('latin1')), stderr: (c) => void process.stderr.write(c), stdin: () => Readable.from([]), env: {}, cwd: '/', stderrIsTty: false,
  });
  return { status, stdout, target };
}

describe('reintegrate with IPS images', () => {
  it('follows update\'s preserve=renameold and re-adds a group the admin deleted', async () => {
    const base: Tree = { etc: dir(), 'etc/app.conf': file('x=1\n'), 'etc/group': file('root::0:\nsvc::90:\n') };
    const baseRoot = await imageRoot(base, '1.0');
    const updateRoot = await imageRoot({ ...base, 'etc/app.conf': file('x=2\n') }, '2.0');
    const adminRoot = tempDir();
    writeTree(adminRoot, { ...base, 'etc/app.conf': file('x=admin\n'), 'etc/group': file('root::0:\n') });
    const { status, stdout, target } = await reintegrate(baseRoot, adminRoot, updateRoot);
    expect(status).toBe(1);
    const t = describeTree(target);
    expect([t['/etc/app.conf']?.endsWith(' x=2\n'), t['/etc/app.conf.old']?.endsWith(' x=admin\n')]).toEqual([true, true]);
    expect(stdout).toContain('preserve=renameold');
    expect(stdout).toMatch(/^group svc: groupname: .*: re-applied$/m);
    expect(t['/etc/group']).toMatch(/ root::0:\nsvc::90:\n$/);
  });

  // Bug: the account check re-applied every user action that did not hold, resetting the
  // home and shell the admin had given a package user (illumos.md §3), exit 0, unreported.
  it('keeps the admin\'s edits to a package user, and re-adds only a user whose row was lost', async () => {
    const svcPackage: FixturePackage = {
      publisher: 'test', stem: 'svc', version: '1.0',
      manifest: ['group groupname=other gid=1', 'user username=svc uid=60 group=other home-dir=/var/svc login-shell=/bin/sh password=*LK*',
        'user username=daemon2 uid=61 group=other home-dir=/ password=*LK*'].join('\n'),
    };
    const accounts = (passwd: string): Tree => ({
      etc: dir(), 'etc/passwd': file(passwd), 'etc/group': file('root::0:\nother::1:\n'),
      'etc/shadow': file('root:HASH:18000::::::\nsvc:*LK*:18000::::::\ndaemon2:*LK*:18000::::::\n', { mode: 0o400 }),
    });
    const rows = 'root:x:0:0:Super-User:/root:/usr/bin/bash\nsvc:x:60:1:& User:/var/svc:/bin/sh\ndaemon2:x:61:1:& User:/:\n';
    const image = async (tree: Tree) => {
      const root = await buildImage({ format: 4, packages: [svcPackage] });
      writeTree(root, tree);
      return root;
    };
    const baseRoot = await image(accounts(rows));
    const updateRoot = await image(accounts(rows));
    const adminRoot = await image(accounts('root:x:0:0:Super-User:/root:/usr/bin/bash\nsvc:x:60:1:& User:/export/svc:/usr/bin/false\n'));
    const { status, stdout, target } = await reintegrate(baseRoot, adminRoot, updateRoot);
    expect(status).toBe(0);
    expect(describeTree(target)['/etc/passwd']).toMatch(/ root:.*\nsvc:x:60:1:& User:\/export\/svc:\/usr\/bin\/false\ndaemon2:x:61:1:& User:\/:\n$/);
    expect(stdout).toMatch(/^user daemon2: username: '<missing>' should be 'daemon2': re-applied$/m);
    expect(stdout).not.toMatch(/^user svc/m);
  });
});
