import type { TaskSpec } from '../domain/task-spec.js';
import { SecretsMissingError } from '../errors/secrets-missing-error.js';
import type { Store } from '../store/store.js';

/** The latest version of every secret the spec names, for a new release; refuses with every name missing. */
export async function resolveSecretVersions(store: Store, spec: TaskSpec): Promise<Record<string, number>> {
  const names = [...new Set(spec.containers.flatMap((c) => c.secrets.map((s) => s.name)))].sort();
  const versions: Record<string, number> = {};
  const missing: string[] = [];
  for (const name of names) {
    const version = await store.latestSecretVersion(spec.namespace, name);
    if (version === 0) missing.push(name);
    else versions[name] = version;
  }
  if (missing.length > 0) throw new SecretsMissingError(spec.namespace, missing);
  return versions;
}
