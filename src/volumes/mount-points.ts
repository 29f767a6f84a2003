import { readFile } from 'node:fs/promises';

/**
 * Mount points from `/proc/self/mountinfo` (field 5, with the kernel's octal escapes undone).
 * Read each time rather than remembered: the agent may have restarted while mounts stayed.
 */
export function parseMountPoints(mountinfo: string): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    out.add(fields[4]!.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
  }
  return out;
}

export async function isMountPoint(path: string): Promise<boolean> {
  return parseMountPoints(await readFile('/proc/self/mountinfo', 'utf8')).has(path);
}
