import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** What an agent that joined keeps in `<state-dir>/pki/`: its key (0600), certificate, the pinned CA, and what it joined as. */
export interface HostCredentialFiles {
  hostName: string;
  group: string;
  labels: Record<string, string>;
  roles: string[];
  /** The `https://` server it joined. */
  server: string;
  key: string;
  cert: string;
  ca: string;
  /** Validity of `cert` (ms), for renewal. */
  notBefore: number;
  notAfter: number;
}

const Identity = z.object({
  host_name: z.string(),
  group: z.string(),
  labels: z.record(z.string(), z.string()),
  roles: z.array(z.string()),
  server: z.string(),
});

export function pkiDir(stateDir: string): string {
  return join(stateDir, 'pki');
}

/** The stored credential, or undefined when this agent never joined (or its files are incomplete). */
export async function readHostCredential(stateDir: string): Promise<HostCredentialFiles | undefined> {
  const dir = pkiDir(stateDir);
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
  const [identity, key, cert, ca] = await Promise.all([read('identity.json'), read('host.key'), read('host.crt'), read('ca.crt')]);
  if (!identity || !key || !cert || !ca) return undefined;
  const parsed = Identity.parse(JSON.parse(identity));
  const x = new X509Certificate(cert);
  return {
    hostName: parsed.host_name,
    group: parsed.group,
    labels: parsed.labels,
    roles: parsed.roles,
    server: parsed.server,
    key,
    cert,
    ca,
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
  };
}

/**
 * Writes the credential, each file through a temporary name and a rename, key first: a crash
 * leaves the old credential or the new one, never a certificate without its key.
 */
export async function writeHostCredential(stateDir: string, credential: Omit<HostCredentialFiles, 'notBefore' | 'notAfter'>): Promise<void> {
  const dir = pkiDir(stateDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const put = async (name: string, text: string, mode: number) => {
    const tmp = join(dir, `${name}.tmp`);
    await writeFile(tmp, text, { mode });
    await chmod(tmp, mode);
    await rename(tmp, join(dir, name));
  };
  await put('host.key', credential.key, 0o600);
  await put('host.crt', credential.cert, 0o644);
  await put('ca.crt', credential.ca, 0o644);
  const identity = { host_name: credential.hostName, group: credential.group, labels: credential.labels, roles: credential.roles, server: credential.server };
  await put('identity.json', `${JSON.stringify(identity, null, 2)}\n`, 0o644);
}
