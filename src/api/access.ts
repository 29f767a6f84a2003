/**
 * What a route needs, declared for every route in the route table (`routes.ts`) and checked in
 * one place (`core/authorize.ts`): `public` (no credentials), `agent` (a host certificate, or the
 * bootstrap admin token), `read`, `logs`, `deploy` and `secrets` (scoped to a namespace where the
 * call names one), `operate` (hosts, groups, join tokens, the audit log), `admin` (tokens, the
 * secret key).
 */
export const ACCESS = ['public', 'agent', 'read', 'logs', 'deploy', 'secrets', 'operate', 'admin'] as const;
export type Access = (typeof ACCESS)[number];
