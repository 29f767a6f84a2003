import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** `src/vm/guest/` (or `dist/vm/guest/` once built: the build copies the folder). */
export const GUEST_SCRIPTS_DIR = fileURLToPath(new URL('./guest/', import.meta.url));

/**
 * The guest's shell scripts by file name: `init.sh` becomes the initramfs's `/init` (PID 1), the
 * others go to `/bubo/`. Their content is part of the kit's cache key.
 */
export async function guestScripts(): Promise<Record<string, string>> {
  const names = (await readdir(GUEST_SCRIPTS_DIR)).filter((n) => n.endsWith('.sh')).sort();
  const scripts: Record<string, string> = {};
  for (const name of names) scripts[name] = await readFile(`${GUEST_SCRIPTS_DIR}${name}`, 'utf8');
  return scripts;
}
