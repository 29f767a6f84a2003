import { z } from 'zod';
import type { TaskSpec } from '../domain/task-spec.js';

/**
 * The normalised task spec as it travels in assignments (server → agent): the same shape as
 * `TaskSpec` (sizes in MiB, durations in ms, defaults filled in), checked on arrival so the agent
 * never acts on a spec it misread. Parsing the user's TOML is `taskfile/task-schema.ts`; this is
 * only the already-validated form, so it checks shape and types, not the user-facing limits.
 */
const Container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()).nullable(),
  args: z.array(z.string()).nullable(),
  env: z.record(z.string(), z.string()),
  workdir: z.string().nullable(),
  user: z.string().nullable(),
  secrets: z.array(z.object({ name: z.string(), file: z.string().nullable() })),
  restart: z.enum(['always', 'on-failure', 'never']),
  stop_timeout_ms: z.number(),
});

const Port = z.object({
  name: z.string(),
  port: z.number().int(),
  protocol: z.enum(['tcp', 'udp', 'http']),
  public: z.object({ host: z.string(), port: z.number().int(), tls: z.object({ cert: z.string(), key: z.string() }).nullable() }).nullable(),
});

const Check = z.object({
  kind: z.enum(['http', 'tcp', 'exec']),
  port: z.string().nullable(),
  path: z.string().nullable(),
  expect: z.string().nullable(),
  command: z.array(z.string()).nullable(),
  interval_ms: z.number(),
  timeout_ms: z.number(),
  healthy_threshold: z.number().int(),
  unhealthy_threshold: z.number().int(),
  grace_period_ms: z.number(),
});

const Deploy = z.object({
  strategy: z.enum(['rolling', 'blue-green']),
  max_unavailable: z.number().int(),
  max_surge: z.number().int(),
  healthy_deadline_ms: z.number(),
  drain_delay_ms: z.number(),
  switch_grace_ms: z.number(),
});

export const TaskSpecWire = z.object({
  app: z.string(),
  namespace: z.string(),
  group: z.string(),
  count: z.number().int(),
  runtime: z.enum(['container', 'microvm']),
  resources: z.object({ cpus: z.number(), memory_mib: z.number(), disk_mib: z.number() }),
  containers: z.array(Container),
  ports: z.array(Port),
  check: Check.nullable(),
  deploy: Deploy,
  volumes: z.array(z.object({ name: z.string(), size_mib: z.number(), path: z.string() })),
  placement: z.object({ replace_after_ms: z.number() }).optional(),
  availability: z.object({ min_serving: z.number() }).optional(),
  backups: z.array(z.object({ volume: z.string(), every_ms: z.number(), keep: z.number(), to: z.string(), before: z.array(z.string()).optional() })).optional(),
});

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the wire form is exactly `TaskSpec`, optional keys included; fails to type-check otherwise. */
const wireIsTaskSpec: Mutual<z.output<typeof TaskSpecWire>, TaskSpec> = true;
const sameKeys: Mutual<keyof z.output<typeof TaskSpecWire>, keyof TaskSpec> = true;
void wireIsTaskSpec;
void sameKeys;
