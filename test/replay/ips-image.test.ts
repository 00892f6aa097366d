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

describe('reintegrate with IPS images', () => {
  it('follows update\'s preserve=renameold and re-adds a group the admin deleted', async () => {
    const base: Tree = { etc: dir(), 'etc/app.conf': file('x=1\n'), 'etc/group': file('root::0:\nsvc::90:\n') };
    const baseRoot = await imageRoot(base, '1.0');
    const updateRoot = await imageRoot({ ...base, 'etc/app.conf': file('x=2\n') }, '2.0');
    const adminRoot = tempDir();
    writeTree(adminRoot, { ...base, 'etc/app.conf': file('x=admin\n'), 'etc/group': file('root::0:\n') });
    const target = tempDir();
    cloneTree(updateRoot, target);
    let stdout = '';
    const status = await runCli(['reintegrate', '--base', baseRoot, '--admin', adminRoot, '--update', updateRoot, '--target', target], {
      stdout: (c) => void (stdout += Buffer.from(c as Uint8Array).toString('latin1')), stderr: (c) => void process.stderr.write(c), stdin: () => Readable.from([]), env: {}, cwd: '/', stderrIsTty: false,
    });
    expect(status).toBe(1);
    const t = describeTree(target);
    expect([t['/etc/app.conf']?.endsWith(' x=2\n'), t['/etc/app.conf.old']?.endsWith(' x=admin\n')]).toEqual([true, true]);
    expect(stdout).toContain('preserve=renameold');
    expect(stdout).toMatch(/^group svc: groupname: .*: re-applied$/m);
    expect(t['/etc/group']).toMatch(/ root::0:\nsvc::90:\n$/);
  });
});
