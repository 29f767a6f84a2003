import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
  const path = upFilePath(dir);
  await writeFile(`${path}.tmp`, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function readUpFile(dir: string, read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): Promise<UpFile | undefined> {
  try {
    const parsed = JSON.parse(await read(upFilePath(dir))) as Partial<UpFile>;
    return typeof parsed.addr === 'string' && typeof parsed.token_file === 'string' ? (parsed as UpFile) : undefined;
  } catch {
    return undefined;
  }
}
