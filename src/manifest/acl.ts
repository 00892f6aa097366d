/**
 * The ACL field bart prints for an entry whose ACL is trivial (derived from the mode), in
 * the two flavours of acl_totext() (spec/bart.md §2.6). Non-trivial ACLs cannot be read on
 * Linux, so these are what preupd reports; `-` is used for symlinks and with `--acl none`.
 */

export type AclFlavor = 'posix' | 'nfs4' | 'none';

const rwx = (bits: number) =>
  `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;

/** POSIX-draft text (UFS, tmpfs...): `user::rw-,group::r--,mask:r--,other:r--`. */
export function posixTrivialAcl(mode: number): string {
  const g = rwx((mode >> 3) & 7);
  return `user::${rwx((mode >> 6) & 7)},group::${g},mask:${g},other:${rwx(mode & 7)}`;
}

// NFSv4 ACE mask bits, in the order acl_totext() writes their names.
const ACE_WORDS: ReadonlyArray<[number, string, string?]> = [
  [0x1, 'read_data', 'list_directory/read_data'],
  [0x2, 'write_data', 'add_file/write_data'],
  [0x4, 'append_data', 'add_subdirectory/append_data'],
  [0x8, 'read_xattr'],
  [0x10, 'write_xattr'],
  [0x20, 'execute'],
  [0x40, 'delete_child'],
  [0x80, 'read_attributes'],
  [0x100, 'write_attributes'],
  [0x10000, 'delete'],
  [0x20000, 'read_acl'],
  [0x40000, 'write_acl'],
  [0x80000, 'write_owner'],
  [0x100000, 'synchronize'],
];
const READ = 0x1;
const WRITE = 0x2 | 0x4;
const EXECUTE = 0x20;
const DELETE_CHILD = 0x40;
const BASE_ALL = 0x8 | 0x80 | 0x20000 | 0x100000; // read_xattr, read_attributes, read_acl, synchronize
const BASE_OWNER = BASE_ALL | 0x10 | 0x100 | 0x40000 | 0x80000; // + the write_* of attributes

function aceText(who: string, mask: number, type: 'allow' | 'deny', isDir: boolean): string {
  const words = ACE_WORDS.filter(([bit]) => mask & bit).map(([, file, dir]) => (isDir && dir) || file);
  return `${who}:${words.join('/')}:${type}`;
}

/**
 * The trivial NFSv4 ACL that ZFS holds for `mode` (acl_trivial_create in
 * usr/src/common/acl/acl_common.c): optional owner@ allow / owner@ deny / group@ deny entries
 * that make the mode's "owner lacks what group has" cases exact, then the three allows.
 */
export function nfs4TrivialAcl(mode: number, isDir: boolean): string {
  const writeMask = isDir ? WRITE | DELETE_CHILD : WRITE;
  const mask = (bits: number) => (bits & 4 ? READ : 0) | (bits & 2 ? writeMask : 0) | (bits & 1 ? EXECUTE : 0);
  const [o, g, e] = [(mode >> 6) & 7, (mode >> 3) & 7, mode & 7];
  const entries: string[] = [];
  const allow0 = mask(o & ~g & e);
  const deny1 = mask(~o & (g | e));
  const deny2 = mask(~g & e);
  if (allow0) entries.push(aceText('owner@', allow0, 'allow', isDir));
  if (deny1) entries.push(aceText('owner@', deny1, 'deny', isDir));
  if (deny2) entries.push(aceText('group@', deny2, 'deny', isDir));
  entries.push(aceText('owner@', BASE_OWNER | mask(o), 'allow', isDir));
  entries.push(aceText('group@', BASE_ALL | mask(g), 'allow', isDir));
  entries.push(aceText('everyone@', BASE_ALL | mask(e), 'allow', isDir));
  return entries.join(',');
}

// Perf: a tree has few distinct modes; each text is built once (the ZFS one is ~300 bytes).
const cache = new Map<number, string>();

/** The ACL field for an entry of `mode`; symlinks never have one (bart does not ask). */
export function aclText(flavor: AclFlavor, mode: number, isDir: boolean, isSymlink: boolean): string {
  if (isSymlink || flavor === 'none') return '-';
  // Key: the permission bits, one bit for a directory, one for the flavour.
  const key = (flavor === 'nfs4' ? 0x100000 : 0) | (isDir ? 0x80000 : 0) | (mode & 0o7777);
  let text = cache.get(key);
  if (text === undefined) {
    text = flavor === 'nfs4' ? nfs4TrivialAcl(mode, isDir) : posixTrivialAcl(mode);
    cache.set(key, text);
  }
  return text;
}
