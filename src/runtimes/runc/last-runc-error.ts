import { readFile } from 'node:fs/promises';

/** The last error runc logged in its `--log` file (`runc run failed: …`), or null when it logged none. */
export async function lastRuncError(path: string): Promise<string | null> {
  const text = await readFile(path, 'utf8').catch(() => '');
  let reason: string | null = null;
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) reason = withoutQuotedValue(entry.msg);
    } catch {
      // Not a JSON line; runc only writes JSON here.
    }
  }
  return reason;
}

/**
 * runc quotes the offending value in some refusals (`… can't contain null(\x00): "NAME=value"`),
 * and an environment value may be a secret: such a quote goes (the reason stays readable).
 */
function withoutQuotedValue(message: string): string {
  return message.replace(/: "[A-Za-z_][A-Za-z0-9_]*=.*$/s, ': (the variable is not shown)');
}
