import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CatalogResponse } from '../api/catalog.js';

/**
 * Reads a catalog saved by `saveCatalogFile`; null when the file is missing or unreadable (an
 * old or damaged file must not stop DNS from starting — the server's answer replaces it).
 */
export async function loadCatalogFile(path: string): Promise<CatalogResponse | null> {
  try {
    const parsed = CatalogResponse.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes atomically (temporary file + rename), so a crash leaves the old file or the new one. */
export async function saveCatalogFile(path: string, catalog: CatalogResponse): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(catalog)}\n`);
  await rename(temporary, path);
}
