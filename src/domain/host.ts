import type { Resources } from './resources.js';
import type { HostRuntime } from './runtime-kind.js';

/** `ready` while heartbeats arrive; `down` once the server has not heard from the host in time. */
export type HostStatus = 'ready' | 'down';

export interface Host {
  id: string;
  name: string;
  group: string;
  /** Address other hosts and the server reach this host on. */
  address: string;
  /** The instance subnet (a /24 of the cluster CIDR) allocated to this host at registration. */
  subnet: string;
  capacity: Resources;
  runtimes: HostRuntime[];
  labels: Record<string, string>;
  roles: string[];
  cordoned: boolean;
  /** Cordoned on its way out (`bubo host remove`): its instances are replaced on other hosts, each stopped once its replacement serves. */
  draining?: boolean;
  status: HostStatus;
  registeredAt: number;
  lastHeartbeatAt: number;
  /** The agent's own HTTP listener (logs); absent for agents that did not announce one. */
  agentUrl?: string;
}
