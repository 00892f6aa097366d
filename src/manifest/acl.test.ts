import { describe, expect, it } from 'vitest';
import { aclText, nfs4TrivialAcl, posixTrivialAcl } from './acl.js';

describe('ACL text', () => {
  it('writes the POSIX-draft trivial ACL with mask equal to the group bits', () => {
    expect(posixTrivialAcl(0o100644)).toBe('user::rw-,group::r--,mask:r--,other:r--');
    expect(posixTrivialAcl(0o10620)).toBe('user::rw-,group::-w-,mask:-w-,other:---');
  });

  it('writes the ZFS trivial ACL of a 644 file as spec/bart.md §2.6 shows it', () => {
    expect(nfs4TrivialAcl(0o644, false)).toBe(
      'owner@:read_data/write_data/append_data/read_xattr/write_xattr/read_attributes/write_attributes/read_acl/write_acl/write_owner/synchronize:allow,' +
        'group@:read_data/read_xattr/read_attributes/read_acl/synchronize:allow,' +
        'everyone@:read_data/read_xattr/read_attributes/read_acl/synchronize:allow',
    );
  });

  it('uses directory words and delete_child for a 755 directory', () => {
    expect(nfs4TrivialAcl(0o755, true)).toBe(
      'owner@:list_directory/read_data/add_file/write_data/add_subdirectory/append_data/read_xattr/write_xattr/execute/delete_child/read_attributes/write_attributes/read_acl/write_acl/write_owner/synchronize:allow,' +
        'group@:list_directory/read_data/read_xattr/execute/read_attributes/read_acl/synchronize:allow,' +
        'everyone@:list_directory/read_data/read_xattr/execute/read_attributes/read_acl/synchronize:allow',
    );
  });

  it('adds deny entries when the owner lacks what group or others have (mode 015)', () => {
    const text = nfs4TrivialAcl(0o015, false);
    expect(text.split(',').map((e) => e.split(':')[0] + ':' + e.split(':').at(-1))).toEqual([
      'owner@:deny', 'group@:deny', 'owner@:allow', 'group@:allow', 'everyone@:allow',
    ]);
    expect(text.startsWith('owner@:read_data/execute:deny,group@:read_data:deny,')).toBe(true);
  });

  it('starts with an owner@ allow when other has what group lacks (mode 604)', () => {
    expect(nfs4TrivialAcl(0o604, false).startsWith('owner@:read_data:allow,group@:read_data:deny,')).toBe(true);
  });

  it('prints - for symlinks and with --acl none', () => {
    expect(aclText('posix', 0o120777, false, true)).toBe('-');
    expect(aclText('none', 0o100644, false, false)).toBe('-');
  });
});
