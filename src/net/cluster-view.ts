/** Another host of the cluster as the catalog lists it: where its instance subnet is reached. */
export interface PeerHost {
  name: string;
  /** The host's own address (on the hosts' network). */
  address: string;
  /** Its instance subnet, e.g. `10.88.2.0/24`. */
  subnet: string;
}

/**
 * What a host needs to know of the rest of the cluster for its instance network: the hosts (for
 * routes or VXLAN peers; this host may be among them and is skipped) and every live instance
 * address by bubo namespace (for the nftables allow-list). Comes from the server's catalog.
 */
export interface ClusterView {
  hosts: readonly PeerHost[];
  namespaces: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_CLUSTER_VIEW: ClusterView = { hosts: [], namespaces: {} };

/** How other hosts' subnets are reached: plain routes (one L2 segment) or one VXLAN segment. */
export type Overlay = 'routes' | 'vxlan';
