import { describe, expect, it } from 'vitest';
import { parseAction } from './action-parse.js';
import { applyAccountActions, checkAccountActions } from './account-actions.js';
import type { AccountFiles } from './account-tables.js';

const today = 20000;
const files: AccountFiles = {
  passwd: 'root:x:0:0:Super-User:/root:/usr/bin/bash\n+@nis::::::\nalice:x:100:10::/home/alice:/bin/sh\n',
  shadow: 'root:$5$hash:19000::::::\nalice:$5$alice:19000:7:::::\n',
  group: 'root::0:\nother::1:root\nstaff::10:\nsmmsp::25:\n',
  ftpusers: '# ftp denied\nroot\n',
};
const smmspGroup = parseAction('group groupname=smmsp gid=25');
const smmspUser = parseAction(
  'user username=smmsp group=smmsp uid=25 password=NP ftpuser=false gcos-field="SendMail Message Submission Program" home-dir=/',
);

describe('checkAccountActions', () => {
  it('reports a missing user in pkg verify’s words, and nothing for a group that holds', () => {
    expect(checkAccountActions(files, [smmspGroup, smmspUser]).map((r) => [r.name, r.problems])).toEqual([
      ['smmsp', ["username: '<missing>' should be 'smmsp'"]],
    ]);
  });

  it('reports every field the action sets that differs, and missing secondary groups', () => {
    const user = parseAction('user username=alice group=other uid=101 password=UP home-dir=/export/alice group-list=staff');
    expect(checkAccountActions(files, [user])[0]?.problems).toEqual([
      "uid: '100' should be '101'",
      "group: 'staff' should be 'other'",
      "gcos-field: '' should be '& User'",
      "home-dir: '/home/alice' should be '/export/alice'",
      "group-list: '' lacks 'staff'",
    ]);
  });

  it('ignores password and aging of a user-settable account, not of a system one', () => {
    const human = parseAction('user username=alice group=staff uid=100 password=UP gcos-field="" home-dir=/home/alice');
    expect(checkAccountActions(files, [human])).toEqual([]);
    const locked = parseAction('user username=alice group=staff uid=100 password=*LK* gcos-field="" home-dir=/home/alice');
    expect(checkAccountActions(files, [locked])[0]?.problems).toEqual(["password: '$5$alice' should be '*LK*'", "min: '7' should be '<empty>'"]);
  });
});

describe('applyAccountActions', () => {
  it('adds a missing user to passwd, shadow and ftpusers, in pkg’s column order', () => {
    const { files: out, reports } = applyAccountActions(files, [smmspUser, smmspGroup], { today });
    expect(out.passwd).toBe(files.passwd + 'smmsp:x:25:25:SendMail Message Submission Program:/:\n');
    expect(out.shadow).toBe(files.shadow + 'smmsp:NP:20000::::::\n');
    expect(out.ftpusers).toBe('# ftp denied\nroot\nsmmsp\n');
    expect(out.group).toBe(files.group);
    expect(reports.map((r) => [r.name, r.applied])).toEqual([['smmsp', true]]);
  });

  it('lets the action’s fields win in place, keeps a human’s password and aging, and unions groups', () => {
    const user = parseAction('user username=alice group=staff password=UP login-shell=/usr/bin/zsh group-list=other');
    const { files: out } = applyAccountActions(files, [user], { today });
    expect(out.passwd.split('\n')[2]).toBe('alice:x:100:10:& User:/:/usr/bin/zsh');
    expect(out.shadow.split('\n')[1]).toBe('alice:$5$alice:19000:7:::::');
    expect(out.group).toBe('root::0:\nother::1:root,alice\nstaff::10:\nsmmsp::25:\n');
  });

  it('resets password and aging of a system account to the action’s', () => {
    const user = parseAction('user username=alice group=staff uid=100 password=NP');
    const { files: out } = applyAccountActions(files, [user], { today });
    expect(out.shadow.split('\n')[1]).toBe('alice:NP:20000::::::');
  });

  it('creates a group with the first free gid, moves users along when the gid changes', () => {
    const { files: created } = applyAccountActions(files, [parseAction('group groupname=mysql')], { today });
    expect(created.group.endsWith('mysql::2:\n')).toBe(true);
    const { files: moved } = applyAccountActions(files, [parseAction('group groupname=staff gid=70')], { today });
    expect(moved.group).toContain('staff::70:\n');
    expect(moved.passwd).toContain('alice:x:100:70:');
  });

  it('refuses what pkg refuses, and says why', () => {
    const taken = parseAction('group groupname=mysql gid=25');
    const orphan = parseAction('user username=bob group=nosuch');
    const { files: out, reports } = applyAccountActions(files, [taken, orphan], { today });
    expect(out).toEqual(files);
    expect(reports.map((r) => [r.applied, r.notes])).toEqual([
      [false, ["Group named 'mysql' cannot be installed. Requested GID number '25' is already occupied by smmsp."]],
      [false, ['nosuch is an unknown or invalid group']],
    ]);
  });

  it('leaves the files byte for byte when every action holds', () => {
    const { files: once } = applyAccountActions(files, [smmspGroup, smmspUser], { today });
    const again = applyAccountActions(once, [smmspGroup, smmspUser], { today: today + 5 });
    expect(again).toEqual({ files: once, reports: [] });
  });
});
