import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The image's `/etc/passwd` and `/etc/group` (null when missing), to resolve a container's `user`. */
export async function readAccounts(rootfs: string): Promise<{ passwd: string | null; group: string | null }> {
  const read = (path: string) => readFile(join(rootfs, path), 'utf8').catch(() => null);
  return { passwd: await read('etc/passwd'), group: await read('etc/group') };
}
