import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonFile } from '../fs/write-json-file.js';

/** What a running `bubo up` leaves in its directory so the CLI finds it without configuration. */
export interface UpFile {
  addr: string;
  token_file: string;
  pid: number;
}

export function upFilePath(dir: string): string {
  return join(dir, 'up.json');
}

export async function writeUpFile(dir: string, content: UpFile): Promise<void> {
  await writeJsonFile(upFilePath(dir), content, { mode: 0o600, indent: 2 });
}

export async function readUpFile(dir: string, read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): Promise<UpFile | undefined> {
  try {
    const parsed = JSON.parse(await read(upFilePath(dir))) as Partial<UpFile>;
    return typeof parsed.addr === 'string' && typeof parsed.token_file === 'string' ? (parsed as UpFile) : undefined;
  } catch {
    return undefined;
  }
}
