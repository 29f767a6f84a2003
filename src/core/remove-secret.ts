import { DomainError } from '../errors/domain-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { event } from './record-event.js';
import type { Store } from '../store/store.js';

/**
 * `bubo secret rm`: deletes every version. Refused while a release that still runs or may run
 * again names the secret: an app's current release, the release instances still run (a rollout
 * in progress), the one a running deployment would roll back to. Their next restart, replacement
 * or rollback would have nothing to start with. Older releases that named it can no longer be
 * rolled back to (`rollbackApp` says so).
 */
export async function removeSecret(ctx: CoreContext, input: { namespace: string; name: string; actor: string }) {
  return ctx.store.transaction(async (tx) => {
    const users = await appsNeeding(ctx, tx, input.namespace, input.name);
    if (users.length > 0) {
      const apps = users.join(', ');
      throw new DomainError(
        'secret_in_use',
        `secret ${input.name} of namespace ${input.namespace} is used by the current release of ${apps} (or one its instances still run or a rollout would roll back to); deploy ${users.length === 1 ? 'it' : 'them'} without it and let the rollout finish (or destroy ${users.length === 1 ? 'it' : 'them'}) first`,
        { namespace: input.namespace, name: input.name, apps: users },
      );
    }
    const versions = await tx.deleteSecret(input.namespace, input.name);
    if (versions === 0) throw new NotFoundError('secret', `${input.namespace}/${input.name}`, `see "bubo secret ls -n ${input.namespace}"`);
    await tx.appendEvents([
      event(ctx.now(), input.actor, 'secret.removed', `secret ${input.name} of namespace ${input.namespace} removed (${versions} version(s))`, {
        data: { namespace: input.namespace, name: input.name, versions },
      }),
    ]);
    return { namespace: input.namespace, name: input.name, versions };
  });
}

/** Apps of `namespace` a release of which that runs or may run again names secret `name`. */
async function appsNeeding(ctx: CoreContext, tx: Store, namespace: string, name: string): Promise<string[]> {
  const apps: string[] = [];
  for (const app of await tx.listApps()) {
    if (app.namespace !== namespace) continue;
    const releases = new Set<number>((await tx.listInstances({ appId: app.id, live: true })).map((i) => i.release));
    if (app.release !== null) releases.add(app.release);
    const fromRelease = (await tx.activeDeployment(app.id))?.fromRelease;
    if (fromRelease !== null && fromRelease !== undefined) releases.add(fromRelease);
    for (const version of releases) {
      const release = await ctx.releases.get(tx, app.id, version).catch(() => undefined);
      if (release && (name in release.secretVersions || release.spec.containers.some((c) => c.secrets.some((s) => s.name === name)))) {
        apps.push(app.name);
        break;
      }
    }
  }
  return apps;
}
