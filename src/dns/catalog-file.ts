import { CatalogResponse } from '../api/catalog.js';
import { loadStateFile, saveStateFile } from '../client/follow-long-poll.js';

/**
 * Reads a catalog saved by `saveCatalogFile`; null when the file is missing or unreadable (an
 * old or damaged file must not stop DNS from starting — the server's answer replaces it).
 */
export function loadCatalogFile(path: string): Promise<CatalogResponse | null> {
  return loadStateFile(path, CatalogResponse);
}

/** Writes atomically (temporary file + rename), so a crash leaves the old file or the new one. */
export function saveCatalogFile(path: string, catalog: CatalogResponse): Promise<void> {
  return saveStateFile(path, catalog);
}
