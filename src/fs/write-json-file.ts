import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export interface WriteJsonFileOptions {
  mode?: number;
  /** Indent by this many spaces; default one line. */
  indent?: number;
  /**
   * fsync before the rename (default true), so the file survives a power loss too. Off for
   * files rewritten often whose loss costs nothing (a cached server answer).
   */
  fsync?: boolean;
}

/**
 * Writes `value` as JSON atomically: write-file-atomic writes a temporary file of its own beside
 * it and renames it, and queues concurrent writes of one path, so a crash or a reader sees the
 * old file or the new one, never half of one or a mix. Creates the directory when missing.
 */
export async function writeJsonFile(path: string, value: unknown, options: WriteJsonFileOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(value, null, options.indent)}\n`, {
    fsync: options.fsync ?? true,
    ...(options.mode === undefined ? {} : { mode: options.mode }),
  });
}
