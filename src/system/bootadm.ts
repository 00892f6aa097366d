import type { Runner } from './runner.js';

/**
 * `bootadm update-archive -R <root>` (spec/illumos.md §5.3): pkg does not run it for a plain
 * clone (§5.1). The running root (boot-finish) is bootadm's default: no -R.
 */
export async function updateBootArchive(runner: Runner, root: string): Promise<void> {
  await runner.run('bootadm', ['update-archive', ...(root === '/' ? [] : ['-R', root])], { mutates: true });
}

/**
 * `boot/solaris/filelist.ramdisk`: one path per line relative to the root (`etc/system`,
 * `kernel`, ...); `#` comments and blank lines ignored. Directories stand for everything
 * below them.
 */
export function parseRamdiskFilelist(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\/+|\/+$/g, ''));
}

/** Whether a changed path (relative, as manifests name them) is in the boot archive. */
export function inBootArchive(path: string, filelist: readonly string[]): boolean {
  const relative = path.replace(/^\/+/, '');
  return filelist.some((entry) => relative === entry || relative.startsWith(`${entry}/`));
}
