import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultBootfs, defaultIndex, formatMenu, menuEntries, parseMenu, setDefaultBootfs } from './menu-lst.js';
import { appendEntry, removeEntry } from './menu-lst-edit.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'corpus', 'menu-lst');
const corpus = (name: string) => readFileSync(join(CORPUS, name), 'utf8');
const menus = readdirSync(CORPUS).filter((name) => name.endsWith('.lst'));
const edit = (name: string, fn: (menu: ReturnType<typeof parseMenu>) => ReturnType<typeof parseMenu>) =>
  formatMenu(fn(parseMenu(corpus(name))));

describe('menu.lst reading', () => {
  it.each(menus)('%s round-trips byte for byte', (name) => {
    expect(formatMenu(parseMenu(corpus(name)))).toBe(corpus(name));
  });

  it('finds entries by bootfs, failsafe entries without one', () => {
    const menu = parseMenu(corpus('openindiana-failsafe.lst'));
    expect(menuEntries(menu).map(({ index, title, bootfs }) => ({ index, title, bootfs }))).toEqual([
      { index: 0, title: 'OpenIndiana Development oi_151a X86', bootfs: 'rpool/ROOT/openindiana' },
      { index: 1, title: 'Solaris failsafe', bootfs: undefined },
      { index: 2, title: 'openindiana-1', bootfs: 'rpool/ROOT/openindiana-1' },
    ]);
    expect(defaultBootfs(parseMenu(corpus('opensolaris-two-bes.lst')))).toBe('rpool/ROOT/opensolaris-1');
    expect(defaultIndex(parseMenu(corpus('no-default-crlf-no-eol.lst')))).toBe(0);
    expect(menuEntries(parseMenu(corpus('no-default-crlf-no-eol.lst')))[0]?.bootfs).toBe('tank/ROOT/be1');
  });

  it('round-trips any text', () => {
    const lineArb = fc.constantFrom('title a', 'bootfs p/ROOT/x', '# c', '', '  default 1 ', 'kernel$ /k', '\r', '\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', ''))), (parts) => {
        const text = parts.map(([line, eol]) => line + eol).join('');
        expect(formatMenu(parseMenu(text))).toBe(text);
      }),
    );
  });
});

describe('menu.lst editing as libbe does', () => {
  it('appends a new BE modelled on its source entry, with the libbe footer; default stays', () => {
    const out = edit('opensolaris-2009.06.lst', (menu) =>
      appendEntry(menu, { title: 'preupd 2026-12-04', bootfs: 'rpool/ROOT/preupd-0002', sourceBootfs: 'rpool/ROOT/opensolaris' }),
    );
    expect(out).toBe(
      `${corpus('opensolaris-2009.06.lst')}title preupd 2026-12-04
findroot (pool_rpool,0,a)
bootfs rpool/ROOT/preupd-0002
splashimage /boot/solaris.xpm
foreground d25f00
background 115d93
kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS,console=graphics
module$ /platform/i86pc/$ISADIR/boot_archive
#============ End of LIBBE entry =============
`,
    );
    expect(defaultBootfs(parseMenu(out))).toBe('rpool/ROOT/opensolaris');
  });

  it('appends the default GRUB shape when the source has no entry, keeping CRLF and closing the last line', () => {
    const out = edit('no-default-crlf-no-eol.lst', (menu) => appendEntry(menu, { title: 'be2', bootfs: 'tank/ROOT/be2', sourceBootfs: 'tank/ROOT/gone' }));
    expect(out).toBe(
      `${corpus('no-default-crlf-no-eol.lst')}\r\ntitle be2\r\nbootfs tank/ROOT/be2\r\n` +
        'kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS\r\nmodule$ /platform/i86pc/$ISADIR/boot_archive\r\n' +
        '#============ End of LIBBE entry =============\r\n',
    );
  });

  it('leaves an entry with the same bootfs and title alone, and replaces one with another title', () => {
    const menu = parseMenu(corpus('opensolaris-two-bes.lst'));
    expect(appendEntry(menu, { title: 'opensolaris-1', bootfs: 'rpool/ROOT/opensolaris-1' })).toBe(menu);
    const retitled = appendEntry(menu, { title: 'renamed', bootfs: 'rpool/ROOT/opensolaris-1', sourceBootfs: 'rpool/ROOT/opensolaris' });
    // It was the default and last: re-added last, it is entry 1 again and `default 1` stays.
    expect(formatMenu(retitled)).toBe(corpus('opensolaris-two-bes.lst').replace('title opensolaris-1\n', 'title renamed\n'));
  });

  it('replacing the default entry moves default with it to the end, so the same BE boots', () => {
    const out = edit('openindiana-failsafe.lst', (menu) => appendEntry(menu, { title: 'renamed', bootfs: 'rpool/ROOT/openindiana' }));
    const original = corpus('openindiana-failsafe.lst');
    expect(out).toBe(
      `${original.slice(0, original.indexOf('default 0\n'))}default 2
#
# menu timeout in second before default OS is booted
# set to -1 to wait for user input
timeout 10

#---------- ADDED BY BOOTADM - DO NOT EDIT ----------
#---------------------END BOOTADM--------------------
${original.slice(original.indexOf('#---------- ADDED BY BOOTADM - DO NOT EDIT ----------\ntitle Solaris failsafe'))}title renamed
bootfs rpool/ROOT/openindiana
kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS
module$ /platform/i86pc/$ISADIR/boot_archive
#============ End of LIBBE entry =============
`,
    );
    expect(defaultBootfs(parseMenu(out))).toBe('rpool/ROOT/openindiana');
  });

  it('replacing an entry before the default keeps default on the BE it named', () => {
    const out = edit('opensolaris-two-bes.lst', (menu) => appendEntry(menu, { title: 'renamed', bootfs: 'rpool/ROOT/opensolaris' }));
    const original = corpus('opensolaris-two-bes.lst');
    expect(out).toBe(
      `${original.slice(0, original.indexOf('title OpenSolaris 2009.06')).replace('default 1\n', 'default 0\n')}#---------------------END BOOTADM--------------------
${original.slice(original.indexOf('title opensolaris-1'))}title renamed
bootfs rpool/ROOT/opensolaris
kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS
module$ /platform/i86pc/$ISADIR/boot_archive
#============ End of LIBBE entry =============
`,
    );
    expect(defaultBootfs(parseMenu(out))).toBe('rpool/ROOT/opensolaris-1');
  });

  it('replacing entry 0 of a menu without a default line adds one, so GRUB still boots that BE', () => {
    const out = edit('no-default-crlf-no-eol.lst', (menu) =>
      appendEntry(appendEntry(menu, { title: 'be2', bootfs: 'tank/ROOT/be2' }), { title: 'be1 renamed', bootfs: 'tank/ROOT/be1' }),
    );
    const shape = 'kernel$ /platform/i86pc/kernel/$ISADIR/unix -B $ZFS-BOOTFS\r\nmodule$ /platform/i86pc/$ISADIR/boot_archive\r\n#============ End of LIBBE entry =============\r\n';
    expect(out).toBe(`default 1\r\ntimeout 5\r\ntitle be2\r\nbootfs tank/ROOT/be2\r\n${shape}title be1 renamed\r\nbootfs tank/ROOT/be1\r\n${shape}`);
    // Alone in the menu it is entry 0 again: GRUB's implicit default needs no line.
    const alone = edit('no-default-crlf-no-eol.lst', (menu) => appendEntry(menu, { title: 'be1 renamed', bootfs: 'tank/ROOT/be1' }));
    expect(alone).toBe(`timeout 5\r\ntitle be1 renamed\r\nbootfs tank/ROOT/be1\r\n${shape}`);
  });

  it('removes an entry before the default and keeps default on the same BE', () => {
    const out = edit('opensolaris-two-bes.lst', (menu) => removeEntry(menu, 'rpool/ROOT/opensolaris'));
    const menu = parseMenu(out);
    expect(defaultBootfs(menu)).toBe('rpool/ROOT/opensolaris-1');
    expect(out).toContain('default 0\n');
    // bootadm's markers around the removed entry stay, as be_remove_menu keeps comments after bootfs.
    expect(out).toContain('#---------- ADDED BY BOOTADM - DO NOT EDIT ----------\n#---------------------END BOOTADM--------------------\ntitle opensolaris-1\n');
  });

  it('removes a libbe entry with its footer and nothing else', () => {
    const original = corpus('openindiana-failsafe.lst');
    const out = formatMenu(removeEntry(parseMenu(original), 'rpool/ROOT/openindiana-1'));
    expect(out).toBe(original.slice(0, original.indexOf('title openindiana-1')));
    expect(removeEntry(parseMenu(original), 'rpool/ROOT/absent').lines).toEqual(parseMenu(original).lines);
  });

  it('undoes an append exactly', () => {
    for (const name of menus) {
      const menu = parseMenu(corpus(name));
      const added = appendEntry(menu, { title: 'x', bootfs: 'rpool/ROOT/preupd-0009', sourceBootfs: menuEntries(menu)[0]?.bootfs });
      const removed = formatMenu(removeEntry(added, 'rpool/ROOT/preupd-0009'));
      expect(removed.replace(/\r?\n$/, '')).toBe(corpus(name).replace(/\r?\n$/, ''));
    }
  });

  it('points default at a bootfs, rewriting the default line in place', () => {
    const out = edit('opensolaris-two-bes.lst', (menu) => setDefaultBootfs(menu, 'rpool/ROOT/opensolaris'));
    expect(out).toBe(corpus('opensolaris-two-bes.lst').replace('default 1\n', 'default 0\n'));
    const crlf = edit('no-default-crlf-no-eol.lst', (menu) => setDefaultBootfs(menu, 'tank/ROOT/be1'));
    expect(crlf).toBe(`default 0\r\n${corpus('no-default-crlf-no-eol.lst')}`);
    expect(() => setDefaultBootfs(parseMenu(corpus('opensolaris-2009.06.lst')), 'rpool/ROOT/nope')).toThrow(/no entry with bootfs/);
  });
});
