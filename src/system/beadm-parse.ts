import type { BootEnvironment } from './boot-environment.js';

/**
 * `beadm list -H`: one `name;uuid;active;mountpoint;space;policy;created` line per BE
 * (spec/illumos.md §5.2). The C beadm leaves missing uuid/active/mountpoint empty, the
 * OpenSolaris Python beadm prints `-`; both read the same here.
 */
export function parseBeadmList(stdout: string): BootEnvironment[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = line.split(';').map((field) => (field === '-' ? '' : field));
      if (fields.length !== 7) throw new Error(`expected 7 ';'-separated fields: ${JSON.stringify(line)}`);
      const [name, uuid, active, mountpoint, space, policy, created] = fields as [string, string, string, string, string, string, string];
      if (active !== '' && !/^[NRT]+$/.test(active)) throw new Error(`unknown active flags ${JSON.stringify(active)}: ${JSON.stringify(line)}`);
      return {
        name,
        ...(uuid ? { uuid } : {}),
        activeNow: active.includes('N'),
        activeOnReboot: active.includes('R'),
        activeTemporarily: active.includes('T'),
        ...(mountpoint ? { mountpoint } : {}),
        ...(/^\d+$/.test(space) ? { space: Number(space) } : {}),
        ...(policy ? { policy } : {}),
        ...(/^\d+$/.test(created) ? { created: Number(created) } : {}),
      };
    });
}
