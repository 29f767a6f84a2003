import type { CoreContext } from './core-context.js';
import type { Store } from '../store/store.js';

/**
 * Secret name → the apps of `namespace` whose current release names it, with the version each
 * runs: what `bubo secret ls` shows and what `bubo secret rm` refuses to take away.
 */
export async function secretUsers(ctx: CoreContext, store: Store, namespace: string): Promise<Map<string, { app: string; version: number }[]>> {
  const users = new Map<string, { app: string; version: number }[]>();
  for (const app of await store.listApps()) {
    if (app.namespace !== namespace || app.release === null) continue;
    const release = await ctx.releases.get(store, app.id, app.release);
    for (const [name, version] of Object.entries(release.secretVersions)) {
      users.set(name, [...(users.get(name) ?? []), { app: app.name, version }]);
    }
  }
  return users;
}
