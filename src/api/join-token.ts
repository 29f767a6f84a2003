import { z } from 'zod';
import { HOST_LIMITS, hostAddress, hostName, labelKey, labelValue, role } from './agent-protocol.js';

/** `bubo host join-token create`: what a joining machine becomes, for how long, how many times. */
export const JoinTokenCreateRequest = z.strictObject({
  group: hostName,
  labels: z
    .record(labelKey, labelValue)
    .refine((labels) => Object.keys(labels).length <= HOST_LIMITS.labels, `at most ${HOST_LIMITS.labels} labels are allowed`)
    .default({}),
  roles: z.array(role).max(HOST_LIMITS.roles).default([]),
  /** Validity in milliseconds from now (default one hour, at most 30 days). */
  ttl_ms: z.number().int().min(1000).max(30 * 24 * 3600_000).default(3600_000),
  uses: z.number().int().min(1).max(10_000).default(1),
});

export const JoinTokenView = z.object({
  id: z.string(),
  group: z.string(),
  labels: z.record(z.string(), z.string()),
  roles: z.array(z.string()),
  uses_left: z.number().int(),
  expires_at: z.string(),
  revoked: z.boolean(),
  created_at: z.string(),
});
export type JoinTokenView = z.input<typeof JoinTokenView>;

/** The secret is in this answer only; the server keeps its hash. */
export const JoinTokenCreated = JoinTokenView.extend({
  token: z.string(),
  ca_fingerprint: z.string(),
  /** The server's TLS listener, null when it has none (`--tls-listen`). */
  server_url: z.string().nullable(),
  /** The command line that joins a machine with this token. */
  agent_command: z.string(),
});

export const JoinTokenList = z.object({ join_tokens: z.array(JoinTokenView) });

const pem = z.string().min(1).max(16_384);

/** `POST /v1/agent/join`: authenticated by the join token it carries, nothing else. */
export const JoinRequest = z.strictObject({
  token: z.string().min(1).max(256),
  name: hostName,
  /** PKCS#10 request (PEM) signed by the host's new key. */
  csr: pem,
  /** When given (`bubo agent --group`), must be the token's group. */
  group: hostName.optional(),
  /** `bubo agent --role`: each must be one of the token's (checked before the token's use is taken). */
  roles: z.array(role).max(HOST_LIMITS.roles).optional(),
  address: hostAddress.optional(),
});

export const HostCredential = z.object({
  host_name: z.string(),
  group: z.string(),
  labels: z.record(z.string(), z.string()),
  roles: z.array(z.string()),
  /** The host certificate (PEM), signed by the cluster CA. */
  certificate: z.string(),
  ca_certificate: z.string(),
  not_after: z.string(),
});
export type HostCredential = z.output<typeof HostCredential>;

/** `POST /v1/agent/renew`: a new request for the calling host's certificate. */
export const RenewRequest = z.strictObject({ csr: pem });
