/** base, admin and update trees in one memfs volume, for planning without a disk. */
import { createFsFromVolume, Volume } from 'memfs';
import { walkFsOf, type FsModule } from '../../src/walk/walk-fs.js';
import type { Tree } from './trees.js';

export function memRoots(trees: { base: Tree; admin: Tree; update: Tree }) {
  const fs = createFsFromVolume(new Volume()) as unknown as FsModule & typeof import('node:fs');
  for (const [root, tree] of Object.entries(trees)) {
    fs.mkdirSync(`/${root}`, { recursive: true });
    for (const [rel, node] of Object.entries(tree).sort(([a], [b]) => a.split('/').length - b.split('/').length)) {
      const path = `/${root}/${rel}`;
      if (node.kind === 'dir') fs.mkdirSync(path, { recursive: true, mode: node.mode });
      else if (node.kind === 'file') {
        fs.writeFileSync(path, node.content);
        fs.chmodSync(path, node.mode);
        fs.utimesSync(path, node.mtime, node.mtime);
      } else if (node.kind === 'symlink') fs.symlinkSync(node.target, path);
    }
  }
  return {
    roots: { base: '/base', admin: '/admin', update: '/update' },
    walk: { fs: walkFsOf(fs, () => 'tmpfs'), threads: 0, acl: 'none' as const },
    sourceFs: fs,
  };
}
