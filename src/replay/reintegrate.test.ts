import { describe, expect, it } from 'vitest';
import { runScenario } from '../../test/replay/scenario.js';
import { describeTree, dir, file, symlink } from '../../test/replay/trees.js';

describe('reintegration on real directories', () => {
  it('R2: carries an admin edit into a target where update changed another file', async () => {
    const base = { etc: dir(), 'etc/hosts': file('127.0.0.1 localhost\n'), 'etc/motd': file('hello\n') };
    const run = await runScenario({
      base,
      admin: { ...base, 'etc/hosts': file('127.0.0.1 localhost\n10.0.0.1 box\n', { mtime: 1_700_000_500 }) },
      update: { ...base, 'etc/motd': file('hello, release 2\n') },
    });
    expect(run.step('/etc/hosts')).toMatchObject({ rule: 'R2', outcome: 'carried' });
    const t = describeTree(run.target);
    expect(t['/etc/hosts']).toBe('F 644 0:0 @1700000500 127.0.0.1 localhost\n10.0.0.1 box\n');
    expect(t['/etc/motd']).toBe('F 644 0:0 @1700000000 hello, release 2\n');
  });
});
