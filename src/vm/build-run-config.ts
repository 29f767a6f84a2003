import type { OciImageConfig } from '../images/image-provider.js';
import { buildRuncSpec, RuncSpecError } from '../oci/build-runc-spec.js';
import { containerSecrets } from '../oci/container-secrets.js';
import type { AccountFiles } from '../oci/resolve-user.js';
import type { ContainerSpec, TaskResources } from '../domain/task-spec.js';
import { type GuestContainer, type GuestNetwork, type GuestSecretFile, type RunConfig, volumeSerial } from './run-config.js';

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
  /** The instance's volumes (name and mount point), attached in this order. */
  volumes?: readonly { name: string; path: string }[];
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
 * the runc runtime merges them (this calls `buildRuncSpec` and keeps its `process`), secrets
 * included: environment secrets come after the task's own variables (a secret wins over an env
 * entry of its name), before the variables bubo owns (HOSTNAME, BUBO_INSTANCE, BUBO_APP). File
 * secrets are listed in `secretFiles` (path and config-disk file name, no value: guest-files.ts
 * writes each value as its own file from `input.secrets`). A secret without a value is a
 * RunConfigError naming the container and the secret.
 */
export function buildRunConfig(input: RunConfigInput): RunConfig {
  if (input.images.length !== input.containers.length) {
    throw new RunConfigError(`expected one image per container, got ${input.images.length} for ${input.containers.length}`);
  }
  const imageDisks: string[] = [];
  const containers = input.containers.map((container, i): GuestContainer => {
    const image = input.images[i] as RunConfigImage;
    let process: ReturnType<typeof buildRuncSpec>['process'];
    let secretFiles: GuestSecretFile[];
    try {
      process = buildRuncSpec({
        instanceId: input.instanceId,
        app: input.app,
        container,
        image: image.config,
        accounts: image.accounts,
        resources: input.resources,
        // Only `process` is kept: the runc-only paths below are never used.
        netnsPath: '',
        cgroupsPath: '',
        resolvConfPath: '',
        hostsPath: '',
        secrets: input.secrets,
        secretsDir: '',
      }).process;
      secretFiles = containerSecrets(container, input.secrets).files.map(({ name, path }) => ({ name, path, file: secretFileName(i, name) }));
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
      ...(secretFiles.length > 0 ? { secretFiles } : {}),
    };
  });
  return {
    version: 1,
    instanceId: input.instanceId,
    hostname: input.hostname ?? input.instanceId,
    network: input.network,
    containers,
    imageDisks,
    ...(input.volumes?.length ? { volumes: input.volumes.map((v, i) => ({ name: v.name, path: v.path, serial: volumeSerial(i) })) } : {}),
  };
}

/** The config-disk file of container `index`'s secret `name` (names are `[A-Za-z_][A-Za-z0-9_]*`). */
export function secretFileName(index: number, name: string): string {
  return `c${index}-${name}.secret`;
}

/** buildRuncSpec sets HOSTNAME to the instance id; an explicit hostname replaces it. */
function hostnameFixed(env: string[], hostname: string | undefined): string[] {
  if (hostname === undefined) return env;
  return env.map((entry) => (entry.startsWith('HOSTNAME=') ? `HOSTNAME=${hostname}` : entry));
}
