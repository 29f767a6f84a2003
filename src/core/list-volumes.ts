import { type AgentCaller, LocalVolumeUsage } from '../api/agent-local.js';
import type { VolumeView } from '../api/volume-view.js';
import { appId } from '../domain/app.js';
import type { Host } from '../domain/host.js';
import { isTerminal } from '../domain/instance.js';
import type { Volume } from '../domain/volume.js';
import type { CoreContext } from './core-context.js';
import { callVolumeAgent } from './volume-target.js';

/**
 * `bubo volume ls [APP]`: every volume with its host and the instance on it; how much is used is
 * asked of each host once (in parallel, a few seconds at most), and is null where it could not be.
 */
export async function listVolumes(ctx: CoreContext, filter: { namespace?: string | undefined; app?: string | undefined }, call: AgentCaller): Promise<{ volumes: VolumeView[] }> {
  const all =
    filter.namespace !== undefined && filter.app !== undefined ? await ctx.store.listVolumes({ appId: appId(filter.namespace, filter.app) }) : await ctx.store.listVolumes();
  const volumes = all.filter((v) => {
    const [namespace, app] = v.appId.split('/');
    return (filter.namespace === undefined || namespace === filter.namespace) && (filter.app === undefined || app === filter.app);
  });
  const [hosts, instances] = await Promise.all([ctx.store.listHosts(), ctx.store.listInstances({ live: true })]);
  const hostsById = new Map(hosts.map((h) => [h.id, h]));
  const byHost = new Map<string, Volume[]>();
  for (const v of volumes) {
    const list = byHost.get(v.hostId);
    if (list) list.push(v);
    else byHost.set(v.hostId, [v]);
  }
  const occupants = new Map(instances.filter((i) => !isTerminal(i.state)).map((i) => [`${i.appId}#${i.slot}#${i.hostId}`, i]));
  const used = new Map<string, number>();
  await Promise.all(
    [...byHost].map(async ([hostId, list]) => {
      const host: Host | undefined = hostsById.get(hostId);
      try {
        const answer = LocalVolumeUsage.parse(await callVolumeAgent(call, host, list[0]!, { method: 'GET', path: `/v1/local/volumes?ids=${list.map((v) => encodeURIComponent(v.id)).join(',')}`, timeoutMs: 3_000 }));
        for (const u of answer.volumes) used.set(u.id, u.used_mib);
      } catch {
        // Unknown usage is shown as such; the listing itself does not fail for one host.
      }
    }),
  );
  return {
    volumes: volumes.map((v): VolumeView => {
      const [namespace = '', app = ''] = v.appId.split('/');
      const occupant = occupants.get(`${v.appId}#${v.slot}#${v.hostId}`);
      return {
        id: v.id,
        namespace,
        app,
        name: v.name,
        slot: v.slot,
        host: hostsById.get(v.hostId)?.name ?? v.hostId,
        size_mib: v.sizeMib,
        used_mib: used.get(v.id) ?? null,
        instance: occupant ? { id: occupant.id, state: occupant.state } : null,
        created_at: new Date(v.createdAt).toISOString(),
      };
    }),
  };
}
