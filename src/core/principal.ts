import type { HostCert } from '../domain/host-cert.js';

/**
 * Who is calling: the admin (bearer admin token) may do anything, agent routes for any host
 * included; a host (a client certificate of the cluster CA with a live row in `host_certs`) may
 * call agent routes as itself only.
 */
export type Principal = { kind: 'admin' } | { kind: 'host'; name: string; cert: HostCert };

export const ADMIN: Principal = { kind: 'admin' };
