/**
 * ZFS name rules, after illumos `zfs_namecheck.c` (spec/illumos.md §8) and libbe's
 * `be_valid_be_name` (§5.2). Each check returns why a name is refused, or undefined when it
 * is valid, so callers can write one clear line.
 *
 * Space is refused although newer ZFS accepts it: 2009-era builds and beadm do not.
 */

/** ZFS_MAX_DATASET_NAME_LEN is 256 including the NUL. */
const MAX_NAME = 255;
/** BE_NAME_MAX_LEN in libbe. */
const MAX_BE_NAME = 64;
const COMPONENT_CHAR = /^[A-Za-z0-9_.:-]$/;
/** Pool names the vdev grammar reserves (`pool_namecheck`). */
const RESERVED_POOL = /^(mirror|raidz\d*|draid\d*|spare|log|cache|special|dedup)$/;

/** One name component (between `/`, or after `@`). */
export function componentProblem(component: string): string | undefined {
  if (component === '') return 'empty component';
  if (component === '.' || component === '..') return `component '${component}' is not allowed`;
  for (const ch of component) {
    if (!COMPONENT_CHAR.test(ch)) return `invalid character ${JSON.stringify(ch)}`;
  }
  return undefined;
}

export function poolNameProblem(pool: string): string | undefined {
  if (!/^[A-Za-z]/.test(pool)) return 'pool name must begin with a letter';
  if (RESERVED_POOL.test(pool)) return `pool name '${pool}' is reserved`;
  // c0t0d0-style names are taken by disks.
  if (/^c\d/.test(pool)) return 'pool name may not begin with c and a digit';
  return componentProblem(pool);
}

/** A file system or volume name: `pool[/component]...`. */
export function datasetNameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME) return `longer than ${MAX_NAME} characters`;
  if (name.includes('@')) return "a dataset name may not contain '@'";
  const [pool, ...rest] = name.split('/');
  const problem = poolNameProblem(pool!);
  if (problem !== undefined) return problem;
  for (const component of rest) {
    const bad = componentProblem(component);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** A full snapshot name `dataset@snapshot`. */
export function snapshotNameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME) return `longer than ${MAX_NAME} characters`;
  const at = name.indexOf('@');
  if (at < 0) return "a snapshot name needs '@'";
  const snapshot = name.slice(at + 1);
  if (snapshot.includes('@')) return "more than one '@'";
  return datasetNameProblem(name.slice(0, at)) ?? componentProblem(snapshot);
}

/** A boot environment name: one component of at most 64 characters. */
export function beNameProblem(name: string): string | undefined {
  if (name.length > MAX_BE_NAME) return `longer than ${MAX_BE_NAME} characters`;
  if (name.includes('/')) return "a boot environment name may not contain '/'";
  return componentProblem(name);
}
