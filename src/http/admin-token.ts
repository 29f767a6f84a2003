import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors/domain-error.js';

/**
 * The admin token lives in the state directory, readable by its owner only. Created on first
 * start; later starts reuse it so CLI configs keep working.
 */
export async function ensureAdminToken(stateDir: string): Promise<{ token: string; path: string; created: boolean }> {
  const path = join(stateDir, 'admin.token');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length < 16) throw new DomainError('invalid_config', `admin token file ${path} is empty or too short; delete it to create a new one`);
    return { token, path, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = `bubo_${randomBytes(24).toString('base64url')}`;
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return { token, path, created: true };
}
