import type { DeployResponse } from '../api/deploy-request.js';
import type { Deployment } from '../domain/deployment.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { checkCapacity } from './check-capacity.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { markCatalogChanged } from './mark-catalog-changed.js';
import { newId } from './new-id.js';
import { event } from './record-event.js';
import { supersedeDeployment } from './supersede-deployment.js';
import { toDeploymentView } from './views/to-deployment-view.js';

/** Deployments made by `bubo rollback` are named so (their `kind` says what they are). */
export const ROLLBACK_ID_PREFIX = 'rollback-';

/**
 * `bubo rollback APP [--to N]`: a deployment back to a release the app ran before. The release
 * is reused as it was stored (same spec, same pinned image digests), not copied, so `bubo
 * releases` keeps one line per thing that was ever deployed; the rollout follows that release's
 * own [deploy] settings, health checks included.
 */
export async function rollbackApp(
  ctx: CoreContext,
  input: { namespace: string; app: string; to?: number | undefined; actor: string },
): Promise<DeployResponse> {
  const changed = new Set<string>();
  const result = await ctx.store.transaction(async (tx) => {
    const app = await findApp(tx, input.namespace, input.app);
    if (app.release === null) throw new ConflictError(`app ${app.id} has no release yet; nothing to roll back`);
    const releases = await tx.listReleases(app.id);
    const versions = releases.map((r) => r.version).sort((a, b) => b - a);
    const to = input.to ?? versions.find((v) => v < app.release!);
    if (to === undefined) throw new ConflictError(`app ${app.id} runs release ${app.release}, its first; there is no earlier release to roll back to`);
    if (!versions.includes(to)) {
      throw new NotFoundError('release', String(to), `releases of ${app.id}: ${[...versions].reverse().join(', ')}`);
    }
    if (to === app.release) throw new ConflictError(`app ${app.id} already runs release ${to}`);
    const release = await ctx.releases.get(tx, app.id, to);
    const gone: string[] = [];
    for (const [name, version] of Object.entries(release.secretVersions)) {
      if (!(await tx.getSecret(app.namespace, name, version))) gone.push(`${name} version ${version}`);
    }
    // A release stored before secrets were kept names them without versions: it cannot start.
    const unversioned = [...new Set(release.spec.containers.flatMap((c) => c.secrets.map((s) => s.name)))].filter((n) => !(n in release.secretVersions));
    if (unversioned.length > 0) {
      throw new ConflictError(`release ${to} of ${app.id} names secret ${unversioned.join(', ')} without a version (it predates stored secrets); deploy its task file again instead`);
    }
    if (gone.length > 0) {
      throw new ConflictError(`release ${to} of ${app.id} runs secret ${gone.join(', ')}, removed since ("bubo secret rm"); deploy its task file again to use the secrets as they are now`);
    }
    // Decided in the transaction that records the release, like a deploy (see `checkCapacity`).
    const { warnings } = await checkCapacity(ctx, tx, release.spec, app.count, app.overProvision, { rolloutTo: to });
    const now = ctx.now();
    const superseded = await supersedeDeployment(tx, app.id, { nextRelease: to, message: `superseded by a rollback to release ${to}`, actor: input.actor, now, changed });
    await tx.updateApp(app.id, { release: to, stopped: false, updatedAt: now });
    const deployment: Deployment = {
      id: newId(`${ROLLBACK_ID_PREFIX}${app.name}`),
      appId: app.id,
      fromRelease: app.release,
      fromCount: app.count,
      toRelease: to,
      kind: 'rollback',
      status: 'running',
      message: `rolling back to release ${to}`,
      switchedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertDeployment(deployment);
    await tx.appendEvents([
      event(now, input.actor, 'deployment.started', `deployment ${deployment.id}: rollback of ${app.id} from release ${app.release} to ${to}`, {
        appId: app.id,
        data: { deployment: deployment.id, from: app.release, to, rollback: true },
      }),
      ...superseded,
    ]);
    await markCatalogChanged(tx, changed);
    const updated = { ...app, release: to, stopped: false, updatedAt: now };
    return { app, to, warnings, deployment, view: toDeploymentView(deployment, updated, await tx.listInstances({ appId: app.id })) };
  });
  ctx.wake();
  ctx.notifier.notify(changed);
  return { app: result.app.name, namespace: result.app.namespace, release: result.to, deployment: result.view, warnings: result.warnings };
}
