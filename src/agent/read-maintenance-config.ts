import { readFile } from 'node:fs/promises';
import { DomainError } from '../errors/domain-error.js';
import { type MaintenanceConfig, parseMaintenanceConfig } from './maintenance-config.js';

/**
 * Reads the `--maintenance` file at agent start. A missing or unreadable file is an
 * `invalid_config` error saying so; a bad one a `MaintenanceConfigError` with file, field and line.
 */
export async function readMaintenanceConfig(path: string): Promise<MaintenanceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file; write the host maintenance allow-list there (docs/cluster.md, "Host maintenance file") or drop --maintenance'
        : `cannot read it (${(error as Error).message})`;
    throw new DomainError('invalid_config', `--maintenance ${path}: ${why}`);
  }
  return parseMaintenanceConfig(text, path);
}
