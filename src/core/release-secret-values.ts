import type { Release } from '../domain/app.js';
import { secretAad } from '../secrets/sealed-secret.js';
import type { CoreContext } from './core-context.js';

/**
 * The values of the secrets a release runs, for the host that starts its instances. A version
 * that is gone (removed since) or does not decrypt is left out: that one instance then fails to
 * start with "secret NAME has no value", and everything else in the answer still reaches the host.
 */
export async function releaseSecretValues(ctx: CoreContext, release: Release): Promise<Record<string, string>> {
  const entries = Object.entries(release.secretVersions);
  if (entries.length === 0 || !ctx.keyring) return {};
  const values: Record<string, string> = {};
  for (const [name, version] of entries) {
    const stored = await ctx.store.getSecret(release.spec.namespace, name, version);
    if (!stored) continue;
    try {
      values[name] = ctx.keyring.open(secretAad(stored.namespace, stored.name, stored.version), stored.sealed);
    } catch (error) {
      process.stderr.write(`bubo: secret ${name} version ${version} of namespace ${stored.namespace}: ${(error as Error).message}\n`);
    }
  }
  return values;
}
