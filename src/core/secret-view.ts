import type { SecretView } from '../api/secret-view.js';
import type { StoredSecret } from '../domain/secret.js';

/** The latest version of a secret as the API shows it: never the value. */
export function secretView(latest: StoredSecret, usedBy: { app: string; version: number }[]): SecretView {
  return {
    namespace: latest.namespace,
    name: latest.name,
    version: latest.version,
    updated_at: new Date(latest.createdAt).toISOString(),
    updated_by: latest.createdBy,
    used_by: usedBy,
  };
}
