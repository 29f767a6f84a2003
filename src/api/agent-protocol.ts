import { z } from 'zod';
import { TaskSpecWire } from './task-spec-wire.js';

/**
 * The server side of the agent protocol: register, heartbeat, long-poll assignments, report
 * instance states. An agent is declarative: each assignments answer is the complete set of
 * instances its host should hold, stamped with a change index it sends back to wait for the next.
 */
export const hostName = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits, "." and "-"');

/** Limits on what an agent reports about its host; docs/task-file.md's limits table lists them too. */
export const HOST_LIMITS = { labels: 64, roles: 16 };

// Host-supplied text that the CLI, NGINX and DNS use as names: no whitespace or control characters.
export const hostAddress = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be an IP address or a host name: letters, digits, ".", ":", "-", "[" and "]"');
export const labelKey = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?$/,
    'a label name is 1-63 letters, digits, ".", "_", "/" and "-", starting and ending with a letter or digit',
  );
export const labelValue = z
  .string()
  .max(255)
  .regex(/^[^\p{Cc}]*$/u, 'a label value cannot contain control characters (NUL, CR, LF, ESC, ...)');
export const role = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a role is 1-32 lower-case letters, digits and "-", starting with a letter');

export const RegisterRequest = z.strictObject({
  name: hostName,
  group: hostName,
  address: hostAddress,
  capacity: z.strictObject({
    cpus: z.number().positive().max(4096),
    memory_mib: z.number().int().positive().max(64 * 1024 * 1024),
    disk_mib: z.number().int().nonnegative().max(1024 * 1024 * 1024),
  }),
  runtimes: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(32),
        kind: z.enum(['microvm', 'container']),
        available: z.boolean(),
        reason: z.string().max(1000).optional(),
        detail: z.string().max(1000).optional(),
      }),
    )
    .max(16),
  labels: z
    .record(labelKey, labelValue)
    .refine((labels) => Object.keys(labels).length <= HOST_LIMITS.labels, `at most ${HOST_LIMITS.labels} labels are allowed`)
    .default({}),
  roles: z.array(role).max(HOST_LIMITS.roles, `at most ${HOST_LIMITS.roles} roles are allowed`).default([]),
  /** Where the server reaches this agent's own HTTP listener (logs), e.g. `http://192.0.2.10:7071`. */
  agent_url: z.url({ protocol: /^https?$/ }).max(255).optional(),
});
export type RegisterRequest = z.input<typeof RegisterRequest>;

export const RegisterResponse = z.object({
  host_id: z.string(),
  subnet: z.string(),
  /** The whole cluster range: traffic to it is routed, not masqueraded. */
  cluster_cidr: z.string(),
  heartbeat_interval_ms: z.number().int(),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const HeartbeatRequest = z.strictObject({ host_id: z.string().min(1).max(64) });
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

export const AssignmentsQuery = z.strictObject({
  host_id: z.string().min(1).max(64),
  /** The index of the last answer the agent holds; the server answers once its index is higher. */
  index: z.coerce.number().int().nonnegative().default(0),
  wait_ms: z.coerce.number().int().min(0).max(60_000).default(30_000),
});
export type AssignmentsQuery = z.input<typeof AssignmentsQuery>;

export const Assignment = z.object({
  id: z.string(),
  app: z.string(),
  namespace: z.string(),
  release: z.number().int(),
  slot: z.number().int(),
  desired: z.enum(['run', 'stop']),
  /** The release's normalised task spec (see taskfile/task-spec.ts), digests pinned. */
  spec: TaskSpecWire,
  /**
   * Values of the secrets the spec names, by name, at the versions the release records. Only in
   * this answer, which only the host running the instance gets; never logged.
   */
  secrets: z.record(z.string(), z.string()).default({}),
  /**
   * The instance's volumes on this host: `id` names the data on the host (the same for every
   * instance of the slot), `size_mib` is the size to have (grown when a release asks for more).
   */
  volumes: z.array(z.object({ id: z.string(), name: z.string(), path: z.string(), size_mib: z.number().int() })).default([]),
});
export type Assignment = z.infer<typeof Assignment>;

export const AssignmentsResponse = z.object({
  index: z.number().int(),
  instances: z.array(Assignment),
});
export type AssignmentsResponse = z.infer<typeof AssignmentsResponse>;

export const StatusReport = z.strictObject({
  host_id: z.string().min(1).max(64),
  instances: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(128),
        state: z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']),
        address: hostAddress.max(64).nullable().optional(),
        message: z.string().max(4000).optional(),
        /** Container name → digest of the image it runs (reported once running). */
        images: z.record(z.string().max(63), z.string().regex(/^sha256:[a-f0-9]{64}$/, 'a sha256 digest')).optional(),
        /** The health check's verdict (`none` without a check); absent = unchanged. */
        health: z.enum(['none', 'unknown', 'healthy', 'unhealthy']).optional(),
        /** The failing check's output, or why the health changed. */
        health_message: z.string().max(4000).optional(),
      }),
    )
    .max(10_000),
});
export type StatusReport = z.infer<typeof StatusReport>;

/**
 * Something a host did on its own that a user should see in `bubo events`: the load balancer
 * rejected a config, an instance was restarted after failing its health check...
 */
export const AgentEvent = z.strictObject({
  host_id: z.string().min(1).max(64),
  kind: z.string().regex(/^[a-z]+(\.[a-z_]+)+$/, 'dotted lowercase, e.g. "lb.config_rejected"').max(64),
  message: z.string().min(1).max(4000),
  /** `namespace/app` the event is about, if any. */
  app: z.string().max(200).optional(),
});
export type AgentEvent = z.infer<typeof AgentEvent>;

export const Ok = z.object({ ok: z.literal(true) });
