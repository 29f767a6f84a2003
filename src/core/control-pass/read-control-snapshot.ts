import type { Release } from '../../domain/app.js';
import type { Deployment } from '../../domain/deployment.js';
import type { Store } from '../../store/store.js';
import type { CoreContext } from '../core-context.js';
import { type ControlSnapshot, releaseKey } from './control-snapshot.js';

/**
 * Reads a control pass's snapshot through `tx`, which must be the transaction that also writes
 * the plan: what the pass decides from is then exactly what it writes over.
 */
export async function readControlSnapshot(ctx: CoreContext, tx: Store, blocked: ReadonlyMap<string, string>): Promise<ControlSnapshot> {
  const [hosts, apps, instances, volumes] = await Promise.all([tx.listHosts(), tx.listApps(), tx.listInstances(), tx.listVolumes()]);
  const deployments = new Map<string, Deployment>();
  const wanted = new Map<string, [string, number]>();
  const want = (appId: string, version: number | null) => {
    if (version !== null) wanted.set(releaseKey(appId, version), [appId, version]);
  };
  for (const app of apps) {
    want(app.id, app.release);
    const deployment = await tx.activeDeployment(app.id);
    if (!deployment) continue;
    deployments.set(app.id, deployment);
    want(app.id, deployment.toRelease);
    want(app.id, deployment.fromRelease);
  }
  for (const i of instances) want(i.appId, i.release);
  const releases = new Map<string, Release>();
  for (const [key, [appId, version]] of wanted) {
    const release = await ctx.releases.get(tx, appId, version).catch(() => undefined);
    if (release) releases.set(key, release);
  }
  return {
    hosts,
    apps,
    instances,
    releases,
    volumes,
    deployments,
    blocked,
    hostTtlMs: ctx.options.hostTtlMs,
    startedAt: ctx.startedAt,
    failedReplaceDelayMs: ctx.options.failedReplaceDelayMs,
    seed: ctx.seed(),
  };
}
