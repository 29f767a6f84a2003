import type { SecretView } from '../api/secret-view.js';
import type { StoredSecret } from '../domain/secret.js';
import type { CoreContext } from './core-context.js';
import { secretUsers } from './secret-users.js';
import { secretView } from './secret-view.js';

/** `bubo secret ls`: names, latest versions, who changed them when, and which apps use them; never values. */
export async function listSecrets(ctx: CoreContext, namespace: string | undefined): Promise<{ secrets: SecretView[] }> {
  const stored = await ctx.store.listSecrets(namespace === undefined ? {} : { namespace });
  const latest = new Map<string, StoredSecret>();
  for (const secret of stored) latest.set(`${secret.namespace}/${secret.name}`, secret); // sorted by version: the last wins
  const usersByNamespace = new Map<string, Map<string, { app: string; version: number }[]>>();
  const secrets: SecretView[] = [];
  for (const secret of latest.values()) {
    let users = usersByNamespace.get(secret.namespace);
    if (!users) {
      users = await secretUsers(ctx, ctx.store, secret.namespace);
      usersByNamespace.set(secret.namespace, users);
    }
    secrets.push(secretView(secret, users.get(secret.name) ?? []));
  }
  return { secrets };
}
