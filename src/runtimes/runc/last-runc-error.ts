import { readFile } from 'node:fs/promises';

/** The last error runc logged in its `--log` file (`runc run failed: …`), or null when it logged none. */
export async function lastRuncError(path: string): Promise<string | null> {
  const text = await readFile(path, 'utf8').catch(() => '');
  let reason: string | null = null;
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) reason = entry.msg;
    } catch {
      // Not a JSON line; runc only writes JSON here.
    }
  }
  return reason;
}
