import type { OciImageConfig } from '../images/image-provider.js';
import { buildRuncSpec, RuncSpecError } from '../oci/build-runc-spec.js';
import type { AccountFiles } from '../oci/resolve-user.js';
import type { ContainerSpec, TaskResources } from '../domain/task-spec.js';
import type { GuestContainer, GuestNetwork, RunConfig } from './run-config.js';

/** What the guest needs of one pulled image. */
export interface RunConfigImage {
  /** Manifest digest (`sha256:…`); containers with the same digest share one image disk. */
  digest: string;
  config: OciImageConfig;
  /** The image's /etc/passwd and /etc/group, for user names. */
  accounts: AccountFiles;
}

export interface RunConfigInput {
  instanceId: string;
  app: string;
  /** Default: the instance id (as runc instances). */
  hostname?: string;
  containers: ContainerSpec[];
  resources: TaskResources;
  /** One per container, by position. */
  images: RunConfigImage[];
  network: GuestNetwork | null;
  /** Resolved secret values by name; every name a container lists must be here. */
  secrets: Readonly<Record<string, string>>;
}

/** A task the guest cannot run as given; the message names the container and the field. */
export class RunConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunConfigError';
  }
}

/**
 * The guest's run config for an instance. Entrypoint/cmd/env/workdir/user are merged exactly as
 * the runc runtime merges them (this calls `buildRuncSpec` and keeps its `process`); secrets are
 * added to the env after the task's own variables (a secret wins over an env entry of its name),
 * before the variables bubo owns (HOSTNAME, BUBO_INSTANCE, BUBO_APP).
 */
export function buildRunConfig(input: RunConfigInput): RunConfig {
  if (input.images.length !== input.containers.length) {
    throw new RunConfigError(`expected one image per container, got ${input.images.length} for ${input.containers.length}`);
  }
  const imageDisks: string[] = [];
  const containers = input.containers.map((container, i): GuestContainer => {
    const image = input.images[i] as RunConfigImage;
    const secretEnv: Record<string, string> = {};
    for (const { name, file } of container.secrets) {
      const value = input.secrets[name];
      if (value === undefined) throw new RunConfigError(`container "${container.name}": secret ${name} has no value`);
      if (file === null) secretEnv[name] = value;
    }
    let process: ReturnType<typeof buildRuncSpec>['process'];
    try {
      process = buildRuncSpec({
        instanceId: input.instanceId,
        app: input.app,
        container: { ...container, env: { ...container.env, ...secretEnv } },
        image: image.config,
        accounts: image.accounts,
        resources: input.resources,
        // Only `process` is kept: the runc-only paths below are never used.
        netnsPath: '',
        cgroupsPath: '',
        resolvConfPath: '',
        hostsPath: '',
      }).process;
    } catch (error) {
      if (error instanceof RuncSpecError) throw new RunConfigError(error.message);
      throw error;
    }
    let disk = imageDisks.indexOf(image.digest);
    if (disk < 0) disk = imageDisks.push(image.digest) - 1;
    return {
      name: container.name,
      imageDisk: disk,
      args: process.args,
      env: hostnameFixed(process.env, input.hostname),
      workdir: process.cwd,
      user: `${process.user.uid}:${process.user.gid}`,
      restart: container.restart,
      stopTimeoutMs: container.stop_timeout_ms,
      ...(image.config.StopSignal ? { stopSignal: image.config.StopSignal } : {}),
    };
  });
  return {
    version: 1,
    instanceId: input.instanceId,
    hostname: input.hostname ?? input.instanceId,
    network: input.network,
    containers,
    imageDisks,
  };
}

/** buildRuncSpec sets HOSTNAME to the instance id; an explicit hostname replaces it. */
function hostnameFixed(env: string[], hostname: string | undefined): string[] {
  if (hostname === undefined) return env;
  return env.map((entry) => (entry.startsWith('HOSTNAME=') ? `HOSTNAME=${hostname}` : entry));
}
