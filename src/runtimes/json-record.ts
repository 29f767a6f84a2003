import { readFile } from 'node:fs/promises';
import { writeJsonFile } from '../fs/write-json-file.js';

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

/** Atomic, so a crash never leaves half a record. */
export function writeJsonRecord(path: string, record: unknown): Promise<void> {
  return writeJsonFile(path, record, { indent: 2 });
}
