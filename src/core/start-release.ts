import type { DeployResponse } from '../api/deploy-request.js';
import { type App, appId as makeAppId } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import type { TaskSpec } from '../domain/task-spec.js';
import { ConflictError } from '../errors/conflict-error.js';
import { checkCapacity } from './check-capacity.js';
import type { CoreContext } from './core-context.js';
import { markCatalogChanged } from './mark-catalog-changed.js';
import { newId } from './new-id.js';
import { event } from './record-event.js';
import { resolveSecretVersions } from './resolve-secret-versions.js';
import { supersedeDeployment } from './supersede-deployment.js';
import { toDeploymentView } from './views/to-deployment-view.js';

export interface StartReleaseInput {
  spec: TaskSpec;
  count: number;
  /** Image digests to pin from the start (a restart keeps its release's); `{}` resolves them on first start. */
  digests: Record<string, string>;
  force: boolean;
  actor: string;
  /** The release a `bubo restart` copies, for the event log; null for a deploy. */
  restartOf: number | null;
}

/**
 * Records a new release of `spec` plus the deployment that moves the app to it, in one
 * transaction, so a crash leaves either all of it or none. The capacity decision is part of that
 * transaction: concurrent deploys into one group are decided one after the other, each seeing the
 * counts the earlier ones admitted (see `checkCapacity`). So is the choice of secret versions: the
 * latest of each secret the spec names, refused with the names that do not exist.
 */
export async function startRelease(ctx: CoreContext, input: StartReleaseInput): Promise<DeployResponse> {
  const { spec } = input;
  const id = makeAppId(spec.namespace, spec.app);
  const changed = new Set<string>();
  const result = await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    const existing = await tx.getApp(id);
    if (existing?.destroying) {
      throw new ConflictError(`app ${id} is being destroyed; wait until "bubo status" no longer lists it, then deploy again`);
    }
    // In this transaction, so the count it admits is recorded before the next decision reads.
    const { warnings } = await checkCapacity(ctx, tx, spec, input.count, input.force, { rolloutTo: null });
    const secretVersions = await resolveSecretVersions(tx, spec);
    const version = (await tx.latestReleaseVersion(id)) + 1;
    const app: App = {
      id,
      namespace: spec.namespace,
      name: spec.app,
      group: spec.group,
      count: input.count,
      stopped: false,
      destroying: false,
      release: version,
      overProvision: input.force,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (existing) {
      await tx.updateApp(id, {
        group: app.group,
        count: app.count,
        stopped: false,
        release: version,
        overProvision: app.overProvision,
        updatedAt: now,
      });
    } else {
      await tx.insertApp(app);
    }
    await tx.insertRelease({ appId: id, version, spec, warnings, digests: input.digests, secretVersions, createdAt: now });
    const superseded = await supersedeDeployment(tx, id, { nextRelease: version, message: `superseded by release ${version}`, actor: input.actor, now, changed });
    const deployment: Deployment = {
      id: newId(`deploy-${spec.app}`),
      appId: id,
      fromRelease: existing?.release ?? null,
      fromCount: existing?.count ?? null,
      toRelease: version,
      kind: 'deploy',
      status: 'running',
      message: `rolling out release ${version}`,
      switchedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertDeployment(deployment);
    const images = spec.containers.map((c) => c.image).join(', ');
    const what = input.restartOf === null ? `${input.count} × ${images}` : `a restart of release ${input.restartOf}`;
    const secrets = Object.entries(secretVersions).map(([name, v]) => `${name} v${v}`);
    await tx.appendEvents([
      event(now, input.actor, 'release.created', `release ${version} of ${id}: ${what}${secrets.length > 0 ? ` (secrets ${secrets.join(', ')})` : ''}`, {
        appId: id,
        data: { release: version, count: input.count, group: spec.group, warnings, secrets: secretVersions, restart_of: input.restartOf },
      }),
      ...warnings.map((w) => event(now, input.actor, 'capacity.overprovisioned', w, { appId: id, data: { release: version } })),
      event(now, input.actor, 'deployment.started', `deployment ${deployment.id}: release ${existing?.release ?? 'none'} → ${version}`, {
        appId: id,
        data: { deployment: deployment.id, from: existing?.release ?? null, to: version },
      }),
      ...superseded,
    ]);
    await markCatalogChanged(tx, changed); // the ports may have changed
    const instances = await tx.listInstances({ appId: id });
    return { app, deployment, instances, version, warnings };
  });
  ctx.wake();
  ctx.notifier.notify(changed); // catalog followers: the ports may have changed, a switched-away set may have left
  return {
    app: spec.app,
    namespace: spec.namespace,
    release: result.version,
    deployment: toDeploymentView(result.deployment, result.app, result.instances),
    warnings: result.warnings,
  };
}
