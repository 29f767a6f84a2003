import type { CatalogEntry, CatalogResponse } from '../api/catalog.js';
import { catalogHosts } from './catalog-hosts.js';
import { catalogInstances } from './catalog-instances.js';
import { PEERS_COUNTER } from './mark-peers-changed.js';
import { instanceNamespaces } from './instance-namespaces.js';
import type { CoreContext } from './core-context.js';
import { CATALOG_COUNTER } from './mark-catalog-changed.js';
import { waitForChange } from './wait-for-change.js';

/**
 * The answers of one catalog index: with the host list, without it for pollers that hold it, and,
 * built on first ask, with the changes since an older list for pollers that hold one (by its
 * index; undefined when the log no longer knows it).
 */
export interface CatalogAnswers {
  full: CatalogResponse;
  slim: CatalogResponse;
  deltas: Map<number, CatalogResponse | undefined>;
}

/**
 * Long-poll of the service catalog: answers at once when the caller's index differs from the
 * current one, otherwise when the catalog changes or `waitMs` passes. The answers for an index
 * are built once and shared (the same objects) by every poll that gets that index: callers must
 * not modify them. `peers` is the caller's host-list index: the host list is left out when the
 * caller holds the current one.
 */
export async function getCatalog(
  ctx: CoreContext,
  input: { index: number; waitMs: number; peers?: number | undefined; peersDelta?: boolean | undefined; signal?: AbortSignal | undefined },
): Promise<CatalogResponse> {
  const index = await waitForChange(ctx, CATALOG_COUNTER, input);
  const answers = await ctx.catalog.get(index, () => buildCatalog(ctx, index));
  if (input.peers === answers.slim.peers_index) return answers.slim;
  if (input.peers === undefined || !input.peersDelta) return answers.full;
  const from = input.peers;
  if (!answers.deltas.has(from)) {
    const delta = ctx.peersLog.since(from, answers.slim.peers_index!);
    answers.deltas.set(from, delta && { ...answers.slim, hosts_since: from, hosts_changed: delta.changed, hosts_removed: delta.removed });
  }
  return answers.deltas.get(from) ?? answers.full;
}

async function buildCatalog(ctx: CoreContext, index: number): Promise<CatalogAnswers> {
  // The host list and its index in one transaction: the peers log keeps each list by its index.
  const [hosts, peersIndex] = await ctx.store.transaction(async (tx) => [await tx.listHosts(), await tx.getCounter(PEERS_COUNTER)] as const);
  const [apps, instances] = await Promise.all([ctx.store.listApps(), ctx.store.listInstances({ live: true })]);
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
  const slim = { index, services, namespaces: instanceNamespaces(instances), peers_index: peersIndex };
  const listed = catalogHosts(hosts);
  ctx.peersLog.record(peersIndex, listed);
  return { slim, full: { ...slim, hosts: listed }, deltas: new Map() };
}
