import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
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

/** The new certificate while its key replaces the old one (see `writeHostCredential`). */
const NEXT_CERT = 'host.crt.next';

export function pkiDir(stateDir: string): string {
  return join(stateDir, 'pki');
}

/**
 * The stored credential, or undefined when this agent never joined (or its files are incomplete).
 * A replacement cut off by a crash is finished first (or dropped, see `writeHostCredential`).
 */
export async function readHostCredential(stateDir: string): Promise<HostCredentialFiles | undefined> {
  const dir = pkiDir(stateDir);
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
  await finishReplacement(dir, read);
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
 * Stores the credential so that a crash at any point leaves the old key and certificate or the
 * new ones, never a key with the other's certificate (which no TLS handshake accepts, and then
 * the host could only join again). Each file goes through a temporary name, fsync and rename;
 * the pair is replaced in three such steps:
 *
 * 1. the new certificate is stored beside the old as `host.crt.next`;
 * 2. the new key replaces `host.key`;
 * 3. `host.crt.next` replaces `host.crt`.
 *
 * `readHostCredential` finishes step 3 when it finds `host.crt.next` matching `host.key` (a crash
 * after 2), and removes it otherwise (a crash after 1: the old pair is intact).
 */
export async function writeHostCredential(stateDir: string, credential: Omit<HostCredentialFiles, 'notBefore' | 'notAfter'>): Promise<void> {
  const dir = pkiDir(stateDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await put(dir, 'ca.crt', credential.ca, 0o644);
  await put(dir, NEXT_CERT, credential.cert, 0o644);
  await put(dir, 'host.key', credential.key, 0o600);
  await rename(join(dir, NEXT_CERT), join(dir, 'host.crt'));
  const identity = { host_name: credential.hostName, group: credential.group, labels: credential.labels, roles: credential.roles, server: credential.server };
  await put(dir, 'identity.json', `${JSON.stringify(identity, null, 2)}\n`, 0o644);
}

async function finishReplacement(dir: string, read: (name: string) => Promise<string | undefined>): Promise<void> {
  const [next, key] = await Promise.all([read(NEXT_CERT), read('host.key')]);
  if (next === undefined) return;
  if (key !== undefined && keyMatches(next, key)) await rename(join(dir, NEXT_CERT), join(dir, 'host.crt'));
  else await rm(join(dir, NEXT_CERT), { force: true });
  await syncDir(dir);
}

function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/**
 * A file's new content, durable before it takes the name (a rename of an unsynced file can leave
 * it empty after a power loss), and the rename durable before the next step.
 */
async function put(dir: string, name: string, text: string, mode: number): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  const file = await open(tmp, 'w', mode);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await chmod(tmp, mode);
  await rename(tmp, join(dir, name));
  await syncDir(dir);
}

/** Makes the renames themselves durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
