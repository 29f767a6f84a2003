import { access, constants } from 'node:fs/promises';

/** Whether `path` exists (and allows `mode`, e.g. `constants.X_OK`); any error counts as no. */
export async function pathExists(path: string, mode: number = constants.F_OK): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}
