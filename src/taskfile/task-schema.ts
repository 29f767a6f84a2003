import { BackupTargetError, parseBackupTarget } from '../domain/backup-target.js';
import { DEFAULT_REPLACE_AFTER_MS } from '../domain/replace-after-ms.js';
import { z } from 'zod';
import { parseDurationMs } from './parse-duration.js';
import { parseImageReference } from './image-reference.js';
import { parseSizeMib } from './parse-size.js';
import type { TaskSpec } from '../domain/task-spec.js';

/*
 * The task file's input format (TOML, snake_case) and its normalisation into `TaskSpec`. Every
 * object is strict: an unknown key is a problem, never silently ignored. Per-field rules live on
 * the fields; rules that span fields (unique names, a check naming a declared port) are
 * refinements that run even when other fields failed, so that one run reports every problem.
 *
 * The same schema generates the published JSON Schema (`task-json-schema.ts`, input side), so
 * descriptions here are user documentation.
 */

const DNS_LABEL = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GROUP = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const USER = /^(?:[a-z_][a-z0-9_-]*|\d+)(?::(?:[a-z_][a-z0-9_-]*|\d+))?$/;

const MAX_MIB = 4 * 1024 * 1024; // 4 TiB
const MAX_DISK_MIB = 64 * 1024 * 1024; // 64 TiB

function dnsLabel(what: string) {
  return z
    .string()
    .regex(
      DNS_LABEL,
      'must be a DNS label: 1-63 lower-case letters, digits and "-", starting with a letter and not ending with "-"',
    )
    .meta({ description: `${what}: a DNS label` });
}

/** Limits on what a file can grow; docs/task-file.md has the same table. */
export const LIMITS = {
  ports: 64,
  env: 256,
  arguments: 256,
  argumentLength: 4096,
  secrets: 64,
  volumes: 16,
  backups: 16,
  imageLength: 512,
  pathLength: 1024,
};

// A relative path matches too: the "/" rule above reports it, once.
const NORMALISED_PATH = /^[^/]|^(?:\/(?!\.\.?(?:\/|$))[^/\p{Cc}]+)+$|^\/$/u;

function absolutePath(what: string) {
  return z
    .string()
    .regex(/^\//, 'must be an absolute path starting with "/"')
    .max(LIMITS.pathLength, `must be at most ${LIMITS.pathLength} characters`)
    .regex(
      NORMALISED_PATH,
      'must be a normalised absolute path: no "//", "." or ".." parts, no trailing "/", no control characters',
    )
    .meta({ description: `${what} (an absolute path)` });
}

/** A size string (`"512MiB"`) into whole MiB within [min, max]. A bare number gets a hint. */
function size(minMib: number, maxMib: number, example: string) {
  return z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `a size needs a unit; write "${issue.input}MiB"`
          : undefined,
    })
    .meta({
      description: `A size with a binary unit: KiB, MiB, GiB, TiB (or K, M, G, T), e.g. "${example}"`,
      pattern: '^\\s*\\d+(\\.\\d+)?\\s*(KiB|MiB|GiB|TiB|K|M|G|T)\\s*$',
    })
    .transform((text, ctx) => {
      let mib: number;
      try {
        mib = parseSizeMib(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
      if (mib < minMib || mib > maxMib) {
        ctx.addIssue({
          code: 'custom',
          message: `size "${text}" is out of range; it must be between ${formatMib(minMib)} and ${formatMib(maxMib)}`,
        });
        return z.NEVER;
      }
      return mib;
    });
}

function formatMib(mib: number): string {
  if (mib >= 1024 * 1024 && mib % (1024 * 1024) === 0) return `${mib / (1024 * 1024)}TiB`;
  if (mib >= 1024 && mib % 1024 === 0) return `${mib / 1024}GiB`;
  return `${mib}MiB`;
}

const HOUR_MS = 3_600_000;

/** `"1h"` or `"90m"` style text for a limit in milliseconds. */
function formatMs(ms: number): string {
  return ms % HOUR_MS === 0 ? `${ms / HOUR_MS}h` : `${ms / 60_000}m`;
}

/**
 * A duration string (`"5s"`, `"1m30s"`) into milliseconds, at most `maxMs` (a timer beyond it is
 * a typo, and past 2³¹ ms Node fires timers at once); zero only when `allowZero`.
 */
function duration(allowZero = false, maxMs = 24 * HOUR_MS) {
  return z
    .string({
      error: (issue) =>
        typeof issue.input === 'number' ? `a duration needs a unit; write "${issue.input}s"` : undefined,
    })
    .meta({
      description: 'A duration: a number and ms, s, m or h, combinable as in "1m30s"',
      pattern: '^\\s*(\\d+(\\.\\d+)?(ms|s|m|h))+\\s*$',
    })
    .transform((text, ctx) => {
      let ms: number;
      try {
        ms = parseDurationMs(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
      if (ms === 0 && !allowZero) {
        ctx.addIssue({ code: 'custom', message: `duration "${text}" must be longer than zero` });
        return z.NEVER;
      }
      if (ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `duration "${text}" is too long; it must be at most ${formatMs(maxMs)}` });
        return z.NEVER;
      }
      return ms;
    });
}

/**
 * A whole number in [min, max]. Not `z.int()`: its issue aborts the whole parse, which would skip
 * the cross-field checks and hide problems from the user; `type: integer` is restored for the
 * JSON Schema by hand.
 */
function integer(min: number, max: number) {
  return z
    .number()
    .refine(Number.isInteger, 'must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .meta({ type: 'integer' });
}

/** An argv-like list (command, args): bounded in items and in each item's length. */
function stringList() {
  return z
    .array(z.string().max(LIMITS.argumentLength, `must be at most ${LIMITS.argumentLength} characters`))
    .max(LIMITS.arguments, `at most ${LIMITS.arguments} arguments are allowed`);
}

/** Absent tables and arrays normalise to null, as TaskSpec says. */
function orNull<T extends z.ZodType>(schema: T) {
  return schema.optional().transform((value): z.output<T> | null => value ?? null);
}

/** Adds a problem at `[index, key]` for every repeated `key` value in an array of tables. */
function requireUnique(items: unknown, key: string, what: string, ctx: z.RefinementCtx, base: PropertyKey[]) {
  if (!Array.isArray(items)) return;
  const seen = new Set<string>();
  items.forEach((item: unknown, index) => {
    const value = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : item;
    if (typeof value !== 'string') return;
    if (seen.has(value)) {
      ctx.addIssue({
        code: 'custom',
        path: [...base, index, ...(typeof item === 'object' ? [key] : [])],
        message: `${what} "${value}" is declared more than once`,
      });
    }
    seen.add(value);
  });
}

/** Two ports on one number and transport (http is tcp) would both claim the same socket. */
function requireUniquePortNumbers(ports: unknown, ctx: z.RefinementCtx) {
  if (!Array.isArray(ports)) return;
  const seen = new Set<string>();
  ports.forEach((port: unknown, index) => {
    if (typeof port !== 'object' || port === null) return;
    const { port: number, protocol } = port as { port?: unknown; protocol?: unknown };
    if (typeof number !== 'number') return;
    const transport = protocol === 'udp' ? 'udp' : 'tcp';
    const key = `${number}/${transport}`;
    if (seen.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ports', index, 'port'],
        message: `port number ${number} (${transport}) is declared more than once`,
      });
    }
    seen.add(key);
  });
}

const always = { when: () => true };

/** `[containers]` (one bracket pair) makes a table where an array of tables is expected. */
function arrayOfTablesHint(name: string, input: unknown): string | undefined {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? `${name} is a list: write [[${name}]] (double brackets) for each entry`
    : undefined;
}

const ResourcesSchema = z
  .strictObject({
    cpus: z
      .number()
      .gt(0, 'must be more than 0')
      .max(256, 'must be at most 256')
      .refine((cpus) => Math.abs(cpus * 1000 - Math.round(cpus * 1000)) < 1e-6, 'must be a multiple of 0.001')
      .default(1)
      .meta({ description: 'CPU cores, fractions allowed down to 0.001' }),
    memory: size(16, MAX_MIB, '512MiB').prefault('256MiB'),
    disk: size(0, MAX_DISK_MIB, '1GiB').prefault('1GiB'),
  })
  .transform(({ cpus, memory, disk }) => ({ cpus, memory_mib: memory, disk_mib: disk }));

const SECRET_NAME_MESSAGE = 'a secret name must be letters, digits and "_", not starting with a digit';
// Where a secret file may not go: the kernel's and bubo's own mounts of every container.
const RESERVED_SECRET_DIRS = ['/proc', '/sys', '/dev', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname'];

const SECRET_TYPE_MESSAGE = 'a secret is a name ("STRIPE_KEY") or a table { name = "TLS_KEY", file = "/run/secrets/tls.key" }';

// `"NAME"` is short for `{ name = "NAME" }`; both come out as { name, file }.
const SecretRefSchema = z
  .union(
    [
      z.string().regex(ENV_NAME, SECRET_NAME_MESSAGE),
      z.strictObject({
        name: z.string().regex(ENV_NAME, SECRET_NAME_MESSAGE),
        file: orNull(
          absolutePath('Where the container reads the secret (default: an environment variable)')
            .refine((file) => file !== '/', 'a secret file cannot be "/"')
            .refine(
              (file) => !RESERVED_SECRET_DIRS.some((dir) => file === dir || file.startsWith(`${dir}/`)),
              `a secret file cannot be under ${RESERVED_SECRET_DIRS.join(', ')}`,
            ),
        ),
      }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? SECRET_TYPE_MESSAGE : undefined) },
  )
  .transform((ref) => (typeof ref === 'string' ? { name: ref, file: null } : ref));

const ContainerSchema = z
  .strictObject({
    name: dnsLabel('a container name'),
    image: z
      .string()
      .max(LIMITS.imageLength, `must be at most ${LIMITS.imageLength} characters`)
      .meta({ description: 'OCI image with a tag or digest, e.g. "registry.internal:5000/shop:1.4.2"' })
      .check(
        z.superRefine((image, ctx) => {
          try {
            parseImageReference(image);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }),
      ),
    command: orNull(stringList().meta({ description: "Replaces the image's entrypoint" })),
    args: orNull(stringList().meta({ description: "Replaces the image's cmd" })),
    env: z
      .record(
        z.string().regex(ENV_NAME, 'an environment variable name must be letters, digits and "_", not starting with a digit'),
        z.string({
          error: (issue) =>
            issue.input !== undefined && typeof issue.input !== 'object'
              ? `environment values are strings; write "${String(issue.input)}"`
              : undefined,
        }),
      )
      .check(
        z.superRefine((env, ctx) => {
          if (Object.keys(env).length > LIMITS.env) {
            ctx.addIssue({ code: 'custom', message: `at most ${LIMITS.env} environment variables are allowed` });
          }
        }),
      )
      .prefault({}),
    workdir: orNull(absolutePath('Working directory')),
    user: orNull(
      z
        .string()
        .regex(USER, 'must be a user name or id, optionally with a group: "1000", "1000:1000" or "nobody"'),
    ),
    secrets: z
      .array(SecretRefSchema)
      .max(LIMITS.secrets, `at most ${LIMITS.secrets} secrets are allowed`)
      .prefault([])
      .meta({ description: "Secrets of the app's namespace: a name (an environment variable) or { name, file } (a read-only file)" })
      .check(
        z.superRefine((secrets, ctx) => {
          requireUnique(secrets.map((s) => s.name), '', 'secret', ctx, []);
          requireUnique(secrets.map((s) => s.file), '', 'secret file', ctx, []);
        }),
      ),
    restart: z.enum(['always', 'on-failure', 'never']).default('always'),
    stop_timeout: duration(false, HOUR_MS).prefault('10s'),
  })
  .transform(({ stop_timeout, ...container }) => ({ ...container, stop_timeout_ms: stop_timeout }));

const PublicSchema = z
  .strictObject({
    host: z.string().regex(HOSTNAME, 'must be a lower-case DNS name, e.g. "shop.example.com"'),
    port: integer(1, 65535).optional().meta({ description: 'Load balancer port; default 80, or 443 with tls' }),
    tls: orNull(z.strictObject({ cert: absolutePath('PEM certificate file'), key: absolutePath('PEM private key file') })),
  })
  .transform(({ host, port, tls }) => ({ host, port: port ?? (tls === null ? 80 : 443), tls }));

const PortSchema = z
  .strictObject({
    name: dnsLabel('a port name'),
    port: integer(1, 65535),
    protocol: z.enum(['tcp', 'udp', 'http']).default('http'),
    public: orNull(PublicSchema),
  })
  .superRefine((port, ctx) => {
    if (port.protocol === 'udp' && port.public !== undefined && port.public !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['public'],
        message: 'udp ports cannot be public; the load balancer forwards tcp and http only',
      });
    }
  }, always);

const CheckSchema = z
  .strictObject({
    http: z
      .strictObject({
        port: z.string().meta({ description: 'Name of a port declared in [[ports]]' }),
        path: z.string().regex(/^\//, 'must start with "/"').default('/'),
        expect: z.string().optional().meta({ description: 'A substring the response body must contain' }),
      })
      .optional(),
    tcp: z.strictObject({ port: z.string().meta({ description: 'Name of a port declared in [[ports]]' }) }).optional(),
    exec: z.strictObject({ command: stringList().min(1, 'must name a program') }).optional(),
    interval: duration(false, HOUR_MS).prefault('10s'),
    timeout: duration(false, HOUR_MS).prefault('2s'),
    healthy_threshold: integer(1, 100).default(1),
    unhealthy_threshold: integer(1, 100).default(3),
    grace_period: duration(true, HOUR_MS).prefault('0s'),
  })
  .superRefine((check, ctx) => {
    const kinds = (['http', 'tcp', 'exec'] as const).filter((kind) => check[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: kinds.length > 1 ? [kinds[1]!] : [],
        message:
          kinds.length === 0
            ? 'a check needs exactly one of http, tcp or exec'
            : `a check needs exactly one of http, tcp or exec, not ${kinds.join(' and ')}`,
      });
    }
    if (typeof check.timeout === 'number' && typeof check.interval === 'number' && check.timeout >= check.interval) {
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be shorter than interval' });
    }
  }, always)
  .transform((check) => {
    const { http, tcp, exec } = check;
    return {
      kind: http !== undefined ? ('http' as const) : tcp !== undefined ? ('tcp' as const) : ('exec' as const),
      port: http?.port ?? tcp?.port ?? null,
      path: http?.path ?? null,
      expect: http?.expect ?? null,
      command: exec?.command ?? null,
      interval_ms: check.interval,
      timeout_ms: check.timeout,
      healthy_threshold: check.healthy_threshold,
      unhealthy_threshold: check.unhealthy_threshold,
      grace_period_ms: check.grace_period,
    };
  });

const DeploySchema = z
  .strictObject({
    strategy: z.enum(['rolling', 'blue-green']).default('rolling'),
    max_unavailable: integer(0, 10000).default(0),
    max_surge: integer(0, 10000).default(1),
    healthy_deadline: duration().prefault('5m'),
    drain_delay: duration(true, HOUR_MS)
      .prefault('2s')
      .meta({ description: 'How long an instance is out of the load balancer and DNS before it gets SIGTERM' }),
    switch_grace: duration(true)
      .prefault('30s')
      .meta({ description: 'blue-green: how long the old set keeps running, out of traffic, after the switch' }),
  })
  .superRefine((deploy, ctx) => {
    if (deploy.max_unavailable === 0 && deploy.max_surge === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_surge'],
        message:
          'max_unavailable and max_surge are both 0, so a rollout could never replace an instance; set one of them to at least 1',
      });
    }
  }, always)
  .transform(({ healthy_deadline, drain_delay, switch_grace, ...deploy }) => ({
    ...deploy,
    healthy_deadline_ms: healthy_deadline,
    drain_delay_ms: drain_delay,
    switch_grace_ms: switch_grace,
  }));

const PlacementSchema = z
  .strictObject({
    // The same default as a task without the table (an empty table used to mean 30 s).
    replace_after: duration(true)
      .prefault(`${DEFAULT_REPLACE_AFTER_MS / 1000}s`)
      .meta({
        description:
          'How long an instance of a silent host keeps its slot (state unknown) before a replacement is placed on another host of the group; "0s" replaces at once',
      }),
  })
  .transform(({ replace_after }) => ({ replace_after_ms: replace_after }));

const AvailabilitySchema = z.strictObject({
  min_serving: integer(0, 10000).meta({
    description: 'Fewest instances that must serve at every moment of a host maintenance operation (default: count minus [deploy] max_unavailable)',
  }),
});

const VolumeSchema = z
  .strictObject({
    name: dnsLabel('a volume name'),
    size: size(1, MAX_DISK_MIB, '10GiB'),
    path: absolutePath('Mount point inside the containers').refine((path) => path !== '/', 'a volume cannot be mounted at "/"'),
  })
  .transform(({ size: sizeMib, ...volume }) => ({ name: volume.name, size_mib: sizeMib, path: volume.path }));

/** Shorter would keep a host archiving all day; longer than a month is a typo. */
const MIN_BACKUP_MS = 10_000;
const MAX_BACKUP_MS = 744 * HOUR_MS;

const BackupSchema = z
  .strictObject({
    volume: dnsLabel('a volume name').meta({ description: 'The [[volumes]] entry to back up (every slot\'s volume of that name)' }),
    every: duration(false, MAX_BACKUP_MS)
      .refine((ms) => ms >= MIN_BACKUP_MS, 'must be at least "10s" (a backup takes a snapshot and an archive each time)')
      .meta({ description: 'How often, e.g. "24h"' }),
    keep: integer(1, 1000).default(7).meta({ description: 'Archives kept per volume; older ones are deleted' }),
    to: z
      .string()
      .max(LIMITS.pathLength, `must be at most ${LIMITS.pathLength} characters`)
      .superRefine((to, ctx) => {
        try {
          parseBackupTarget(to);
        } catch (error) {
          if (!(error instanceof BackupTargetError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
        }
      })
      .meta({ description: 'A directory on the volume\'s host ("/srv/backups") or on an SFTP server the host reaches ("sftp://backup@nas/srv/bubo")' }),
    before: stringList()
      .min(1, 'must name a command')
      .optional()
      .meta({ description: 'Command run in the instance (its first container) before the snapshot, e.g. a database dump into the volume; a non-zero exit fails the backup' }),
  })
  .transform(({ every, before, ...backup }) => ({ volume: backup.volume, every_ms: every, keep: backup.keep, to: backup.to, ...(before ? { before } : {}) }));

/** The task file schema: TOML input in, `TaskSpec` out. */
export const TaskSchema = z
  .strictObject({
    app: dnsLabel('app').meta({ description: 'Name of the app; unique within its namespace' }),
    namespace: dnsLabel('namespace').default('default'),
    group: z
      .string()
      .regex(GROUP, 'must be lower-case letters, digits, "." and "-"')
      .meta({ description: 'Host group the app runs on' }),
    count: integer(0, 10000).default(1).meta({ description: 'Number of instances' }),
    runtime: z.enum(['microvm', 'container']).default('microvm'),
    resources: ResourcesSchema.prefault({}),
    containers: z
      .array(ContainerSchema, {
        error: (issue) =>
          issue.input === undefined ? 'add at least one [[containers]] table' : arrayOfTablesHint('containers', issue.input),
      })
      .min(1, 'add at least one [[containers]] table')
      .max(16, 'at most 16 containers are allowed'),
    ports: z
      .array(PortSchema, { error: (issue) => arrayOfTablesHint('ports', issue.input) })
      .max(LIMITS.ports, `at most ${LIMITS.ports} ports are allowed`)
      .prefault([]),
    check: orNull(CheckSchema),
    deploy: DeploySchema.prefault({}),
    placement: PlacementSchema.optional(),
    availability: AvailabilitySchema.optional(),
    volumes: z
      .array(VolumeSchema, { error: (issue) => arrayOfTablesHint('volumes', issue.input) })
      .max(LIMITS.volumes, `at most ${LIMITS.volumes} volumes are allowed`)
      .prefault([]),
    backups: z
      .array(BackupSchema, { error: (issue) => arrayOfTablesHint('backups', issue.input) })
      .max(LIMITS.backups, `at most ${LIMITS.backups} backups are allowed`)
      .optional(),
  })
  .superRefine((task, ctx) => {
    requireUnique(task.containers, 'name', 'container', ctx, ['containers']);
    requireUnique(task.ports, 'name', 'port', ctx, ['ports']);
    requireUniquePortNumbers(task.ports, ctx);
    requireUnique(task.volumes, 'name', 'volume', ctx, ['volumes']);
    requireUnique(task.volumes, 'path', 'volume path', ctx, ['volumes']);
    if (Array.isArray(task.backups)) {
      requireUnique(task.backups, 'volume', 'backup of volume', ctx, ['backups']);
      const names = Array.isArray(task.volumes) ? task.volumes.map((v: unknown) => (typeof v === 'object' && v !== null ? (v as { name?: unknown }).name : undefined)) : [];
      task.backups.forEach((backup: unknown, i: number) => {
        const volume = typeof backup === 'object' && backup !== null ? (backup as { volume?: unknown }).volume : undefined;
        if (typeof volume === 'string' && !names.includes(volume)) {
          const declared = names.filter((n): n is string => typeof n === 'string');
          ctx.addIssue({
            code: 'custom',
            path: ['backups', i, 'volume'],
            message: declared.length === 0 ? `backs up volume "${volume}", but no [[volumes]] are declared` : `backs up volume "${volume}", which is not declared in [[volumes]] (declared: ${declared.map((n) => `"${n}"`).join(', ')})`,
          });
        }
      });
    }
    const availability: unknown = task.availability;
    if (typeof availability === 'object' && availability !== null && typeof task.count === 'number') {
      const min = (availability as { min_serving?: unknown }).min_serving;
      if (typeof min === 'number' && min > task.count) {
        ctx.addIssue({ code: 'custom', path: ['availability', 'min_serving'], message: `min_serving ${min} is more than count ${task.count}: no maintenance could ever keep that many serving` });
      }
    }
    const deploy: unknown = task.deploy;
    const volumes: unknown = task.volumes;
    if (Array.isArray(volumes) && volumes.length > 0 && typeof deploy === 'object' && deploy !== null && (deploy as { strategy?: unknown }).strategy === 'blue-green') {
      ctx.addIssue({
        code: 'custom',
        path: ['deploy', 'strategy'],
        message: 'blue-green needs a second copy of the data; a task with [[volumes]] deploys "rolling", replacing each instance in place on its volume',
      });
    }
    const check: unknown = task.check;
    if (typeof check === 'object' && check !== null && 'kind' in check && 'port' in check) {
      const { kind, port } = check as { kind: string; port: unknown };
      const declared = Array.isArray(task.ports)
        ? task.ports.map((p: unknown) => (typeof p === 'object' && p !== null ? (p as { name?: unknown }).name : undefined))
        : [];
      if (typeof port === 'string' && !declared.includes(port)) {
        const names = declared.filter((name): name is string => typeof name === 'string');
        ctx.addIssue({
          code: 'custom',
          path: ['check', kind, 'port'],
          message:
            names.length === 0
              ? `check names port "${port}", but no [[ports]] are declared`
              : `check names port "${port}", which is not declared in [[ports]] (declared: ${names.map((n) => `"${n}"`).join(', ')})`,
        });
      }
    }
  }, always);

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the schema produces exactly `TaskSpec`; fails to type-check otherwise. */
const outputIsTaskSpec: Mutual<z.output<typeof TaskSchema>, TaskSpec> = true;
void outputIsTaskSpec;
