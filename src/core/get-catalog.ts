import type { CatalogEntry, CatalogResponse } from '../api/catalog.js';
import { catalogHosts } from './catalog-hosts.js';
import { catalogInstances } from './catalog-instances.js';
import { instanceNamespaces } from './instance-namespaces.js';
import type { CoreContext } from './core-context.js';
import { CATALOG_COUNTER } from './mark-catalog-changed.js';
import { waitForChange } from './wait-for-change.js';

/**
 * Long-poll of the service catalog: answers at once when the caller's index differs from the
 * current one, otherwise when the catalog changes or `waitMs` passes. The answer for an index is
 * built once and shared (the same object) by every poll that gets that index: callers must not
 * modify it.
 */
export async function getCatalog(
  ctx: CoreContext,
  input: { index: number; waitMs: number; signal?: AbortSignal | undefined },
): Promise<CatalogResponse> {
  const index = await waitForChange(ctx, CATALOG_COUNTER, input);
  return ctx.catalog.get(index, () => buildCatalog(ctx, index));
}

async function buildCatalog(ctx: CoreContext, index: number): Promise<CatalogResponse> {
  const [apps, instances, hosts] = await Promise.all([
    ctx.store.listApps(),
    ctx.store.listInstances({ live: true }),
    ctx.store.listHosts(),
  ]);
  const hostNames = new Map(hosts.map((h) => [h.id, h.name]));
  const services: CatalogEntry[] = [];
  for (const app of apps) {
    if (app.release === null) continue;
    const release = await ctx.releases.get(ctx.store, app.id, app.release);
    const deployment = await ctx.store.activeDeployment(app.id);
    const target = deployment ? await ctx.releases.get(ctx.store, app.id, deployment.toRelease) : release;
    const serving = catalogInstances(
      instances.filter((i) => i.appId === app.id),
      deployment,
      target.spec.deploy,
    );
    // The ports are those of the release that serves: before a blue-green switch (only old
    // instances listed) a port the new release changed must not be applied to the old set yet.
    const listed = serving.length > 0 && serving.every((i) => i.release === serving[0]!.release) ? serving[0]!.release : app.release;
    const portsOf = listed === app.release ? release : await ctx.releases.get(ctx.store, app.id, listed);
    services.push({
      app: app.name,
      namespace: app.namespace,
      ports: portsOf.spec.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, public: p.public })),
      instances: serving.map((i) => ({ id: i.id, address: i.address!, host: hostNames.get(i.hostId) ?? i.hostId })),
    });
  }
  return { index, services, hosts: catalogHosts(hosts), namespaces: instanceNamespaces(instances) };
}
