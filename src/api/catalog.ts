import { z } from 'zod';

/**
 * The service catalog agents serve as DNS: every app with its instances that are running now
 * that pass their health check (or have none), with their addresses and named ports.
 */
export const CatalogQuery = z.strictObject({
  index: z.coerce.number().int().nonnegative().default(0),
  wait_ms: z.coerce.number().int().min(0).max(60_000).default(30_000),
  /** The `peers_index` of the last host list the agent holds: the answer carries `hosts` only when it differs. */
  peers: z.coerce.number().int().nonnegative().optional(),
  /**
   * `1`: the caller applies `hosts_changed`/`hosts_removed`, so when it holds an older list the
   * server still knows, the answer carries what changed since instead of the whole list. Without
   * it, an older agent (which knows only `hosts`) still gets the whole list.
   */
  peers_delta: z.enum(['0', '1']).optional(),
});
export type CatalogQuery = z.input<typeof CatalogQuery>;

export const CatalogEntry = z.object({
  app: z.string(),
  namespace: z.string(),
  ports: z.array(
    z.object({
      name: z.string(),
      port: z.number().int(),
      protocol: z.enum(['tcp', 'udp', 'http']),
      /** Published through the load balancer (`lb` hosts): by host name, on `port` (80, or 443 with TLS). */
      public: z
        .object({
          host: z.string(),
          port: z.number().int(),
          /** Paths of the certificate and key files on the lb host. */
          tls: z.object({ cert: z.string(), key: z.string() }).nullable(),
        })
        .nullable(),
    }),
  ),
  instances: z.array(z.object({ id: z.string(), address: z.string(), host: z.string() })),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** A host whose instance subnet other hosts route to (every registered host, down ones included). */
export const CatalogHost = z.object({ name: z.string(), address: z.string(), subnet: z.string() });
export type CatalogHost = z.infer<typeof CatalogHost>;

/**
 * `namespaces` is the nftables allow-list of the instance network (src/net): every live instance
 * address (serving or not) by bubo namespace. `hosts` is every host's address and instance
 * subnet, the routes between hosts, numbered by `peers_index`; it is sent only to a poller whose
 * `peers` query differs, because hosts change rarely and 10,000 of them in every answer would
 * send each poller hundreds of kilobytes on every deploy; to one that can apply them, only the
 * changes since the list it holds (`hosts_since`). A change of hosts also changes the
 * catalog's index, so every poller is woken and gets the new list once. Both default to empty,
 * so an agent can read the answer of an older server.
 */
export const CatalogResponse = z.object({
  index: z.number().int(),
  services: z.array(CatalogEntry),
  namespaces: z.record(z.string(), z.array(z.string())).default({}),
  peers_index: z.number().int().default(0),
  hosts: z.array(CatalogHost).optional(),
  /**
   * Instead of `hosts`, to a poller that asked with `peers_delta=1` and holds the list of index
   * `hosts_since`: the entries new or changed since, and the names gone. Applied to the list of
   * `hosts_since` (`applyHostsDelta`), they give the list of `peers_index`.
   */
  hosts_since: z.number().int().optional(),
  hosts_changed: z.array(CatalogHost).optional(),
  hosts_removed: z.array(z.string()).optional(),
});
/** What a catalog may hold; the later fields are absent in an older server's answer (or a saved file). */
export type CatalogResponse = z.input<typeof CatalogResponse>;

/** The host list as an agent keeps it between restarts (`peers.json`). */
export const PeersFile = z.object({ peers_index: z.number().int(), hosts: z.array(CatalogHost) });
export type PeersFile = z.infer<typeof PeersFile>;
