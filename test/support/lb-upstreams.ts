import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The instance addresses the NGINX of an lb host proxies to, read from the configuration the
 * agent wrote, and only once that configuration is the one in effect (the agent records its
 * hash after the reload took: `nginx.conf.served-sha256`); null while a reload is pending.
 */
export async function lbUpstreams(agentStateDir: string): Promise<string[] | null> {
  const dir = join(agentStateDir, 'lb');
  const [conf, served] = await Promise.all([readFile(join(dir, 'nginx.conf'), 'utf8'), readFile(join(dir, 'nginx.conf.served-sha256'), 'utf8').catch(() => '')]);
  if (createHash('sha256').update(conf).digest('hex') !== served.trim()) return null;
  return [...conf.matchAll(/^\s*server ([0-9.]+):\d+ max_fails=0;$/gm)].map((m) => m[1]!).sort();
}
