import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Runner } from './runner.js';
import { firstBootManifest, firstBootMethod, type FirstBootService } from './smf-service.js';

/**
 * Installs the first-boot service into the (mounted) new root: manifest 0444, method 0555,
 * as packaged SMF files are. Done before the BE is booted; manifest-import picks it up (§7.1).
 */
export async function installFirstBootService(runner: Runner, root: string, service: FirstBootService): Promise<void> {
  const files = [
    { path: service.manifestPath, text: firstBootManifest(service), mode: 0o444 },
    { path: service.methodPath, text: firstBootMethod(service), mode: 0o555 },
  ];
  for (const file of files) {
    const target = join(root, file.path);
    await runner.effect(`install ${target} (mode ${file.mode.toString(8)})`, async () => {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.text, { mode: file.mode });
      await chmod(target, file.mode);
    });
  }
}

/** `svccfg validate <manifest>`: the target system's own DTD check (spec §7.2). */
export async function validateManifest(runner: Runner, manifest: string): Promise<void> {
  await runner.run('svccfg', ['validate', manifest]);
}
