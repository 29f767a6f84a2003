import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Whether `nft -c` can check rulesets here (root, nftables installed). */
export const canCheckNft = process.getuid?.() === 0 && existsSync('/usr/sbin/nft');

/** `nft -c -f -`: nft parses and checks `text` against the kernel without committing it. */
export function nftCheck(text: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('/usr/sbin/nft', ['-c', '-f', '-'], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
    child.stdin!.end(text);
  });
}
