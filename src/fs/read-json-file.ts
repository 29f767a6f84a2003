import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

/**
 * A JSON file checked against `schema`, or null when it is missing, not JSON, or not of that
 * shape: for state files a newer answer replaces (an old or damaged one must not stop a daemon
 * from starting).
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
