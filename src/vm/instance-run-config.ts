import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PulledImage } from '../images/image-provider.js';
import type { InstanceNetwork } from '../net/network-provider.js';
import type { AccountFiles } from '../oci/resolve-user.js';
import type { ContainerSpec, TaskResources } from '../domain/task-spec.js';
import { buildRunConfig } from './build-run-config.js';
import type { GuestNetwork, RunConfig } from './run-config.js';

export interface InstanceRunConfigInput {
  instanceId: string;
  app: string;
  containers: ContainerSpec[];
  resources: TaskResources;
  /** The pulled image of each container, by position. */
  images: PulledImage[];
  /** The instance's network as the host attached it; null (or no host interface) = no NIC in the guest. */
  network: InstanceNetwork | null;
  /** Resolved secret values by name (config disk only). */
  secrets?: Readonly<Record<string, string>>;
  /** The instance's volumes, in the order their disks are attached. */
  volumes?: readonly { name: string; path: string }[];
}

/**
 * The run config of one microVM instance from what a runtime has in hand at start: the task's
 * containers and resources, the pulled images (their config and the user databases in their
 * rootfs) and the attached network. Shared by the microVM runtimes so that both write the same
 * config disk. Throws RunConfigError (it names the container and the field) for a task the guest
 * cannot run.
 */
export async function instanceRunConfig(input: InstanceRunConfigInput): Promise<RunConfig> {
  return buildRunConfig({
    instanceId: input.instanceId,
    app: input.app,
    containers: input.containers,
    resources: input.resources,
    images: await Promise.all(input.images.map(async (image) => ({ digest: image.digest, config: image.config, accounts: await readImageAccounts(image.rootfs) }))),
    network: input.network ? guestNetworkOf(input.network) : null,
    secrets: input.secrets ?? {},
    ...(input.volumes?.length ? { volumes: input.volumes } : {}),
  });
}

/** The guest's view of an attached network; null when the host attached no interface (no NIC). */
export function guestNetworkOf(network: InstanceNetwork): GuestNetwork | null {
  if (!network.hostInterface) return null;
  return { address: `${network.address}/${network.prefixLength}`, gateway: network.gateway, dns: [network.dns], search: [], mtu: network.mtu };
}

/** The image's /etc/passwd and /etc/group (null when missing), to resolve user names on the host. */
export async function readImageAccounts(rootfs: string): Promise<AccountFiles> {
  const read = (path: string) => readFile(join(rootfs, path), 'utf8').catch(() => null);
  return { passwd: await read('etc/passwd'), group: await read('etc/group') };
}
