import { join } from 'node:path';
import type { OciImageConfig } from '../images/image-provider.js';
import type { ContainerSpec, TaskResources } from '../domain/task-spec.js';
import { containerSecrets } from './container-secrets.js';
import { type AccountFiles, resolveUser } from './resolve-user.js';
import {
  CPU_PERIOD_US,
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_MOUNTS,
  DEFAULT_PATH,
  DEFAULT_READONLY_PATHS,
  NOFILE_LIMIT,
  type OciMount,
  PIDS_LIMIT,
} from './runc-spec-defaults.js';
import { RuncSpecError } from './runc-spec-error.js';

export { RuncSpecError };

export interface RuncSpecInput {
  instanceId: string;
  app: string;
  container: ContainerSpec;
  image: OciImageConfig;
  /** The image's /etc/passwd and /etc/group, for user names. */
  accounts: AccountFiles;
  resources: TaskResources;
  /** The instance's network namespace, shared by all its containers. */
  netnsPath: string;
  /** Absolute cgroup path, `<cgroupParent>/<instanceId>/<container>`. */
  cgroupsPath: string;
  /** Files bubo wrote in the instance directory, bind-mounted read-only. */
  resolvConfPath: string;
  hostsPath: string;
  /** Values of the secrets the container names, by name (others may be present; each named one must be). */
  secrets: Readonly<Record<string, string>>;
  /**
   * Host directory of the container's secret files, `<secretsDir>/<NAME>`, written by the runtime
   * (owned by the container's user, 0400) and bind-mounted read-only at each file's path.
   */
  secretsDir: string;
  /** Host directories of the instance's volumes (mounted by the agent), bind-mounted read-write at each path. */
  volumes?: readonly { path: string; hostPath: string }[];
}

/** The subset of the OCI runtime spec bubo writes (`config.json`). */
export interface RuncSpec {
  ociVersion: string;
  process: {
    terminal: false;
    user: { uid: number; gid: number };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: Record<'bounding' | 'effective' | 'permitted', string[]>;
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: OciMount[];
  linux: {
    cgroupsPath: string;
    resources: {
      devices: { allow: boolean; access: string }[];
      memory: { limit: number; swap: number };
      cpu: { quota: number; period: number };
      pids: { limit: number };
    };
    namespaces: { type: string; path?: string }[];
    maskedPaths: string[];
    readonlyPaths: string[];
  };
}

/**
 * Builds a container's `config.json`: the image config overridden by the task. Like Kubernetes,
 * `command` replaces the image's Entrypoint and drops its Cmd unless `args` is also given; `args`
 * replaces Cmd. Env: image, then task (task wins), then the container's environment secrets (a
 * secret wins over a task entry of its name), then HOSTNAME/BUBO_INSTANCE/BUBO_APP, which bubo
 * owns; the microVM run config (vm/build-run-config.ts) takes this env as is. File secrets are
 * read-only bind mounts and not in the env. A secret without a value is a RuncSpecError naming the
 * container and the secret (never a value). Resources are the task's, applied to each container's cgroup.
 */
export function buildRuncSpec(input: RuncSpecInput): RuncSpec {
  const { container, image, resources } = input;
  const entrypoint = container.command ?? image.Entrypoint ?? [];
  const cmd = container.args ?? (container.command ? [] : (image.Cmd ?? []));
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw new RuncSpecError(`container "${container.name}" has nothing to run: the image has no Entrypoint or Cmd; set command in the task file`);
  }
  let user: { uid: number; gid: number };
  try {
    user = resolveUser(container.user ?? image.User, input.accounts);
  } catch (error) {
    throw new RuncSpecError(`container "${container.name}": ${(error as Error).message}`);
  }
  const secrets = containerSecrets(container, input.secrets);
  const memoryBytes = Math.round(resources.memory_mib * 1024 * 1024);
  const capabilities = [...DEFAULT_CAPABILITIES];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user,
      args,
      env: mergeEnv(image.Env ?? [], container.env, secrets.env, {
        HOSTNAME: input.instanceId,
        BUBO_INSTANCE: input.instanceId,
        BUBO_APP: input.app,
      }),
      cwd: container.workdir || image.WorkingDir || '/',
      capabilities: { bounding: capabilities, effective: [...capabilities], permitted: [...capabilities] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: NOFILE_LIMIT, soft: NOFILE_LIMIT }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: input.instanceId,
    mounts: [
      ...DEFAULT_MOUNTS.map((m) => ({ ...m, ...(m.options ? { options: [...m.options] } : {}) })),
      { destination: '/etc/resolv.conf', type: 'bind', source: input.resolvConfPath, options: ['rbind', 'ro'] },
      { destination: '/etc/hosts', type: 'bind', source: input.hostsPath, options: ['rbind', 'ro'] },
      // The root is the container's own writable overlay (`root.readonly` false), so runc creates a
      // missing mountpoint (parent directories and an empty file, resolved inside the root, symlinks
      // included) in the container's upper layer, which goes with the instance directory. The
      // task file keeps these paths off /proc, /sys, /dev and bubo's /etc files (task-schema.ts).
      ...secrets.files.map((file) => ({
        destination: file.path,
        type: 'bind',
        source: join(input.secretsDir, file.name),
        options: ['bind', 'ro', 'nosuid', 'nodev', 'noexec'],
      })),
      // The data of the slot: shared by every container of the instance, writable, no devices or setuid.
      ...(input.volumes ?? []).map((v) => ({ destination: v.path, type: 'bind', source: v.hostPath, options: ['rbind', 'rw', 'nosuid', 'nodev'] })),
    ],
    linux: {
      cgroupsPath: input.cgroupsPath,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        memory: { limit: memoryBytes, swap: memoryBytes },
        cpu: { quota: Math.round(resources.cpus * CPU_PERIOD_US), period: CPU_PERIOD_US },
        pids: { limit: PIDS_LIMIT },
      },
      namespaces: [{ type: 'pid' }, { type: 'network', path: input.netnsPath }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    },
  };
}

/** `KEY=value` lists merged left to right (later wins), keeping first-seen order; PATH defaulted. */
function mergeEnv(image: readonly string[], ...overrides: Record<string, string>[]): string[] {
  const env = new Map<string, string>();
  for (const entry of image) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH.slice('PATH='.length));
  for (const override of overrides) for (const [key, value] of Object.entries(override)) env.set(key, value);
  return [...env].map(([key, value]) => `${key}=${value}`);
}
