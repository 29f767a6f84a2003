import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * The per-instance record files of the runtimes (`instance.json`): what inspect, list and stop
 * read back, also after an agent restart. Null when the file does not exist.
 */
export async function readJsonRecord<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a record. */
export async function writeJsonRecord(path: string, record: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
