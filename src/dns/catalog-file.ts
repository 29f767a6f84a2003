import { CatalogResponse } from '../api/catalog.js';
import { readJsonFile } from '../fs/read-json-file.js';
import { writeJsonFile } from '../fs/write-json-file.js';

/**
 * Reads a catalog saved by `saveCatalogFile`; null when the file is missing or unreadable (an
 * old or damaged file must not stop DNS from starting — the server's answer replaces it).
 */
export function loadCatalogFile(path: string): Promise<CatalogResponse | null> {
  return readJsonFile(path, CatalogResponse);
}

/**
 * Writes atomically, so a crash leaves the old file or the new one. Not fsynced: it is rewritten
 * on every catalog change, and after a power loss the server's next answer replaces it.
 */
export function saveCatalogFile(path: string, catalog: CatalogResponse): Promise<void> {
  return writeJsonFile(path, catalog, { fsync: false });
}
