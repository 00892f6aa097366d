/**
 * File-system type by device number, from /proc/self/mountinfo (Linux). bart asks
 * statvfs().f_basetype per directory; the walker asks only when st_dev changes, and caches.
 */
import { readFileSync } from 'node:fs';

let byDev: Map<number, string> | undefined;

/** Linux dev_t as Node reports it (glibc makedev encoding) for major:minor. */
export function makedev(major: number, minor: number): number {
  return (
    (minor & 0xff) + (major & 0xfff) * 0x100 + (minor & ~0xff) * 0x1000 + (major & ~0xfff) * 0x100000000
  );
}

/** Maps each mount's device to its type; `fuse.zfs-fuse` style subtypes count as `zfs`. */
export function parseMountinfo(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 0) continue;
    const [major, minor] = (fields[2] ?? '').split(':').map(Number);
    let type = fields[sep + 1] ?? '';
    const source = fields[sep + 2] ?? '';
    if (/^fuse(blk)?(\.|$)/.test(type) && /zfs/.test(type + source)) type = 'zfs';
    map.set(makedev(major ?? 0, minor ?? 0), type);
  }
  return map;
}

export function fsTypeOfDev(dev: number): string {
  byDev ??= (() => {
    try {
      return parseMountinfo(readFileSync('/proc/self/mountinfo', 'latin1'));
    } catch {
      return new Map<number, string>();
    }
  })();
  return byDev.get(dev) ?? 'unknown';
}
