import type { ClusterView } from './cluster-view.js';

/**
 * Host networking as runtimes see it: a host bridge (`bubo0`, the host's /24, .1 on the bridge)
 * and one network attachment per instance.
 */
export interface NetworkProvider {
  /** Creates or repairs the bridge, forwarding and NAT rules; idempotent. */
  setupHost(): Promise<void>;
  /** Removes the bridge and NAT rules once no instance is attached; idempotent. */
  teardownHost?(): Promise<void>;
  /**
   * Gives an instance its network: for containers a network namespace with a veth on the
   * bridge; idempotent (a second call for the same id returns the same attachment). Instances
   * of different `namespace`s (default `default`) cannot reach each other.
   */
  attach(instanceId: string, kind: 'netns' | 'tap', namespace?: string): Promise<InstanceNetwork>;
  /** Removes everything `attach` created for the instance; idempotent. */
  detach(instanceId: string): Promise<void>;
  /** Instance ids that currently have an attachment (for re-adoption and leak checks). */
  list(): Promise<string[]>;
  /**
   * Routes to the other hosts' instance subnets and the cross-host namespace isolation, from the
   * catalog; resolves with the commands that failed (applied the rest). Optional: fakes skip it.
   */
  setPeers?(view: ClusterView): Promise<string[]>;
}

export interface InstanceNetwork {
  instanceId: string;
  /** `/var/run/netns/<name>` for kind netns; empty for tap. */
  netnsPath: string;
  /** Host-side device: the veth peer or the tap. */
  hostInterface: string;
  address: string;
  prefixLength: number;
  gateway: string;
  /** DNS server instances should use (the bridge address). */
  dns: string;
  mtu: number;
}
