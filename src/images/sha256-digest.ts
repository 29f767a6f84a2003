import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** `sha256:<hex>` of some bytes. */
export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** `sha256:<hex>` of a file, streamed (layers can be gigabytes). */
export async function sha256DigestOfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
