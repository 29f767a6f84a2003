import type { AgentCaller } from '../api/agent-local.js';
import { appId } from '../domain/app.js';
import type { Host } from '../domain/host.js';
import { type Instance, isTerminal } from '../domain/instance.js';
import { type Volume, volumeId } from '../domain/volume.js';
import { ConflictError } from '../errors/conflict-error.js';
import { DomainError } from '../errors/domain-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';

export interface VolumeAddress {
  namespace: string;
  app: string;
  name: string;
  slot: number;
}

/** One volume with its host and the instance of its slot that has not stopped yet, if any. Found by id: it outlives `bubo destroy`. */
export async function findVolume(ctx: CoreContext, at: VolumeAddress): Promise<{ volume: Volume; host: Host | undefined; occupant: Instance | undefined }> {
  const id = volumeId(at.namespace, at.app, at.name, at.slot);
  const volume = (await ctx.store.listVolumes({ appId: appId(at.namespace, at.app) })).find((v) => v.id === id);
  if (!volume) throw new NotFoundError('volume', `${at.namespace}/${at.app}/${at.name}/${at.slot}`, `see "bubo volume ls ${at.namespace}/${at.app}"`);
  const [host, instances] = await Promise.all([ctx.store.getHost(volume.hostId), ctx.store.listInstances({ appId: volume.appId })]);
  const occupant = instances.find((i) => i.slot === volume.slot && i.hostId === volume.hostId && !isTerminal(i.state));
  return { volume, host, occupant };
}

/** Refuses while an instance runs on the volume: its data must not change under it. */
export function requireIdle(what: string, at: VolumeAddress, occupant: Instance | undefined): void {
  if (!occupant) return;
  throw new ConflictError(
    `cannot ${what} volume ${at.namespace}/${at.app}/${at.name}/${at.slot} while instance ${occupant.id} (${occupant.state}) uses it; stop the app first ("bubo stop ${at.namespace}/${at.app}")${at.slot > 0 ? ` or scale it to ${at.slot} ("bubo scale ${at.namespace}/${at.app} ${at.slot}")` : ''}`,
    { instance: occupant.id },
  );
}

/** Calls the agent of the volume's host; a host that is gone or has no listener is said so. */
export function callVolumeAgent(
  call: AgentCaller,
  host: Host | undefined,
  volume: Volume,
  request: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown; timeoutMs?: number },
): Promise<unknown> {
  if (!host) throw new DomainError('host_unavailable', `volume ${volume.id} is on host ${volume.hostId}, which is no longer registered; its data went with it`);
  if (host.status !== 'ready') throw new DomainError('host_unavailable', `host ${host.name}, which holds volume ${volume.id}, is ${host.status}; try again once it is back`);
  if (!host.agentUrl) throw new DomainError('host_unavailable', `host ${host.name} announced no agent listener; cannot reach volume ${volume.id}`);
  return call({ agentUrl: host.agentUrl, hostName: host.name, hostAddress: host.address, timeoutMs: 30_000, ...request }).catch((error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'unreachable' || error.code === 'timeout') throw new DomainError('host_unavailable', error.message);
    // The agent's own refusals (not found, conflict, a corrupt archive) reach the caller as they are.
    if (['not_found', 'conflict', 'invalid_request', 'volume_failed'].includes(error.code)) throw error;
    throw new DomainError('volume_failed', `host ${host.name}: ${error.message}`);
  });
}

export function volumePath(volume: Volume, rest = ''): string {
  return `/v1/local/volumes/${encodeURIComponent(volume.id)}${rest}`;
}
