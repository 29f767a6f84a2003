import type { Host } from '../domain/host.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Store } from '../store/store.js';

/** Agents address themselves by the id they got at registration; an unknown id means "register again". */
export async function findHost(store: Store, hostId: string): Promise<Host> {
  const host = await store.getHost(hostId);
  if (!host) throw new NotFoundError('host', hostId, 'the agent must register again');
  return host;
}
