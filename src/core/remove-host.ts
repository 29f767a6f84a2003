import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { markPeersChanged } from './mark-peers-changed.js';
import { event } from './record-event.js';

export interface RemoveHostInput {
  host: string;
  /** Remove even with instances on it: they become lost and are replaced on other hosts of the group. */
  force: boolean;
  actor: string;
}

/**
 * Deletes a host and every certificate issued to it, in one transaction: from the next request
 * on, its certificate authenticates nobody. Without `force` a host that still holds live
 * instances is refused (the CLI cordons it and waits for them to go first). A name that joined
 * but never registered (certificates only) can be removed too.
 */
export async function removeHost(ctx: CoreContext, input: RemoveHostInput) {
  const result = await ctx.store.transaction(async (tx) => {
    const host = (await tx.getHostByName(input.host)) ?? (await tx.getHost(input.host));
    const name = host?.name ?? input.host;
    const certs = await tx.listHostCerts(name);
    if (!host && certs.length === 0) throw new NotFoundError('host', input.host, 'see "bubo hosts" for the registered hosts');
    const live = host ? await tx.listInstances({ hostId: host.id, live: true }) : [];
    if (live.length > 0 && !input.force) {
      throw new ConflictError(
        `host ${name} still holds ${live.length} instance(s); cordon it and wait until they have moved, or pass --force (they are then replaced on other hosts of group ${host!.group})`,
        { host: name, instances: live.length },
      );
    }
    const now = ctx.now();
    // The data of its volumes went with the host: their slots are placed afresh elsewhere.
    const volumes = host ? await tx.listVolumes({ hostId: host.id }) : [];
    await tx.deleteVolumes(volumes.map((v) => v.id));
    if (host) await tx.deleteHost(host.id);
    // Other hosts drop their route to its subnet (and it leaves the lb's host allow-list).
    if (host) await markPeersChanged(tx);
    await tx.deleteHostCerts(name);
    await tx.appendEvents([
      event(now, input.actor, 'host.removed', `host ${name} removed${live.length > 0 ? ` with ${live.length} instance(s) on it, to be replaced` : ''}${volumes.length > 0 ? `; its ${volumes.length} volume(s) (${volumes.map((v) => v.id).join(', ')}) are forgotten, their slots start empty elsewhere` : ''}; its certificates no longer authenticate`, {
        hostId: host?.id ?? null,
      }),
    ]);
    return { host: name, removed: true as const, instances: live.length };
  });
  ctx.announcePeers();
  ctx.wake();
  return result;
}
