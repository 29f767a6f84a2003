import { z } from 'zod';

/**
 * The service catalog agents serve as DNS: every app with its instances that are running now
 * that pass their health check (or have none), with their addresses and named ports.
 */
export const CatalogQuery = z.strictObject({
  index: z.coerce.number().int().nonnegative().default(0),
  wait_ms: z.coerce.number().int().min(0).max(60_000).default(30_000),
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
 * `hosts` and `namespaces` are the instance network of the cluster (src/net): routes to each
 * host's subnet, and the nftables allow-list of every live instance address (serving or not) by
 * bubo namespace. Both default to empty, so an agent can read the answer of an older server.
 */
export const CatalogResponse = z.object({
  index: z.number().int(),
  services: z.array(CatalogEntry),
  hosts: z.array(CatalogHost).default([]),
  namespaces: z.record(z.string(), z.array(z.string())).default({}),
});
/** What a catalog may hold; `hosts` and `namespaces` are absent in an older server's answer (or a saved file). */
export type CatalogResponse = z.input<typeof CatalogResponse>;
