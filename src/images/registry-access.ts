import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How the agent reaches one registry (`registries` in the agent config, keyed by `host[:port]`). */
export interface RegistryAccess {
  /** Allow plain HTTP and unverified TLS certificates. */
  insecure?: boolean;
  /** Basic credentials; skopeo also uses them for the registry's bearer-token exchange. */
  username?: string;
  password?: string;
  /**
   * An identity (OAuth2 refresh) token, as `docker login` stores it; skopeo exchanges it for a
   * bearer token at the registry's token endpoint.
   */
  token?: string;
}

/**
 * The containers-auth.json(5) text for `registry`, or undefined for anonymous access. Pure.
 * Credentials go into a file rather than `--src-creds`/`--src-registry-token` so they never
 * appear in an argv.
 */
export function registryAuthJson(registry: string, access: RegistryAccess): string | undefined {
  const entry: Record<string, string> = {};
  if (access.username !== undefined || access.password !== undefined) {
    entry['auth'] = Buffer.from(`${access.username ?? ''}:${access.password ?? ''}`).toString('base64');
  }
  if (access.token !== undefined) {
    // containers/image ignores an entry whose "auth" does not decode to "user:password"; docker
    // login writes the user with an empty password beside the identity token, so do the same.
    entry['auth'] ??= Buffer.from(`${access.username ?? '<token>'}:`).toString('base64');
    entry['identitytoken'] = access.token;
  }
  if (Object.keys(entry).length === 0) return undefined;
  return JSON.stringify({ auths: { [registry]: entry } });
}

/**
 * Runs `fn` with the path of a 0600 auth.json in a fresh 0700 directory under `tmpDir`
 * (undefined when anonymous), and deletes it afterwards whatever happens.
 */
export async function withRegistryAuthFile<T>(
  tmpDir: string,
  registry: string,
  access: RegistryAccess,
  fn: (authFile: string | undefined) => Promise<T>,
): Promise<T> {
  const json = registryAuthJson(registry, access);
  if (json === undefined) return fn(undefined);
  const dir = await mkdtemp(join(tmpDir, 'auth-'));
  try {
    const file = join(dir, 'auth.json');
    await writeFile(file, json, { mode: 0o600 });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
