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

export const CatalogResponse = z.object({ index: z.number().int(), services: z.array(CatalogEntry) });
export type CatalogResponse = z.infer<typeof CatalogResponse>;
