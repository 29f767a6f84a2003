import type { ApiToken } from '../domain/api-token.js';
import type { HostCert } from '../domain/host-cert.js';

/**
 * Who is calling: the admin (the bootstrap admin token) may do anything, agent routes for any
 * host included; a user (a token of `bubo token create`) what its role allows (`authorize.ts`);
 * a host (a client certificate of the cluster CA with a live row in `host_certs`) may call agent
 * routes as itself only.
 */
export type Principal = { kind: 'admin' } | { kind: 'user'; token: ApiToken } | { kind: 'host'; name: string; cert: HostCert };

export const ADMIN: Principal = { kind: 'admin' };
