import type { DeployResponse } from '../api/deploy-request.js';
import { type App, appId as makeAppId } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { parseTaskFile } from '../taskfile/parse-task-file.js';
import { suggestKey } from '../taskfile/suggest-key.js';
import { checkCapacity } from './check-capacity.js';
import type { CoreContext } from './core-context.js';
import { markCatalogChanged } from './mark-catalog-changed.js';
import { newId } from './new-id.js';
import { event } from './record-event.js';
import { supersedeDeployment } from './supersede-deployment.js';
import { toDeploymentView } from './views/to-deployment-view.js';

export interface DeployInput {
  task: string;
  filename?: string | undefined;
  force?: boolean | undefined;
  actor: string;
}

/**
 * Validates a task file, checks the group can hold it, and records a new release plus the
 * deployment that moves the app to it. Placing instances is the control loop's job; this only
 * records intent, in one transaction, so a crash leaves either all of it or none. The capacity
 * decision is part of that transaction: concurrent deploys into one group are decided one after
 * the other, each seeing the counts the earlier ones admitted (see `checkCapacity`).
 */
export async function deployApp(ctx: CoreContext, input: DeployInput): Promise<DeployResponse> {
  const spec = parseTaskFile(input.task, input.filename ?? 'bubo.toml');
  const id = makeAppId(spec.namespace, spec.app);
  const groups = await ctx.store.listGroups();
  if (!groups.includes(spec.group)) {
    const near = suggestKey(spec.group, groups);
    const hint = near
      ? `did you mean "${near}"?`
      : groups.length > 0
        ? `known groups: ${groups.join(', ')}`
        : 'no host has registered yet; start "bubo agent --group NAME" on a server first';
    throw new NotFoundError('group', spec.group, hint);
  }
  const changed = new Set<string>();
  const result = await ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    const existing = await tx.getApp(id);
    if (existing?.destroying) {
      throw new ConflictError(`app ${id} is being destroyed; wait until "bubo status" no longer lists it, then deploy again`);
    }
    // In this transaction, so the count it admits is recorded before the next decision reads.
    const { warnings } = await checkCapacity(ctx, tx, spec, spec.count, input.force === true, { rolloutTo: null });
    const version = (await tx.latestReleaseVersion(id)) + 1;
    const app: App = {
      id,
      namespace: spec.namespace,
      name: spec.app,
      group: spec.group,
      count: spec.count,
      stopped: false,
      destroying: false,
      release: version,
      overProvision: input.force === true,
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
    await tx.insertRelease({ appId: id, version, spec, warnings, digests: {}, createdAt: now });
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
    await tx.appendEvents([
      event(now, input.actor, 'release.created', `release ${version} of ${id}: ${spec.count} × ${images}`, {
        appId: id,
        data: { release: version, count: spec.count, group: spec.group, warnings },
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
