import { constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { pathExists } from '../../fs/path-exists.js';

/** An absolute path as is (if executable), else the first executable match in PATH; null when none. */
export async function findBinary(name: string): Promise<string | null> {
  if (isAbsolute(name)) return (await pathExists(name, constants.X_OK)) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    if (await pathExists(path, constants.X_OK)) return path;
  }
  return null;
}
