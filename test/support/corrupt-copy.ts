import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A copy of a backup archive with one byte flipped, beside a `.sha256` that still names the original's sum. */
export async function corruptCopy(archive: string, sha256: string): Promise<string> {
  const corrupt = join(dirname(archive), `corrupt-${basename(archive)}`);
  const bytes = await readFile(archive);
  const middle = Math.floor(bytes.length / 2);
  bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
  await writeFile(corrupt, bytes);
  await writeFile(`${corrupt}.sha256`, `${sha256}  ${basename(corrupt)}\n`);
  return corrupt;
}
