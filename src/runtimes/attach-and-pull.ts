import type { ImageProvider, PulledImage } from '../images/image-provider.js';
import type { InstanceNetwork, NetworkProvider } from '../net/network-provider.js';
import { pullImageForStart } from './pull-image-for-start.js';
import type { RecordBase } from './recorded-instances.js';
import type { StartRequest } from './runtime.js';
import { settleBoth } from './settle-both.js';

export interface AttachAndPull {
  network: NetworkProvider;
  /** `netns` (runc: one namespace per instance) or `tap` (a VM's NIC on the bridge). */
  mode: 'netns' | 'tap';
  images: ImageProvider;
  /** The runtime's fault hook, before steps `network` and `pull`. */
  beforeStep(step: 'network' | 'pull'): Promise<void>;
  /** Work that needs the images but not the network (runc: mounting each rootfs), run while the network is still attaching. */
  afterPull?(images: PulledImage[]): Promise<void>;
}

/** A record with one entry per container of the request, in `spec.containers` order. */
type RecordWithContainers = RecordBase & { containers: { digest?: string }[] };

/**
 * Steps `network` and `pull` of a start, side by side: the instance's network, and one image per
 * container (in `spec.containers` order). Both settle before either failure is thrown, so nothing
 * is still attaching while the cleanup after it (`stop`) runs. Sets the record's address and each
 * container's digest; the caller writes the record.
 */
export async function attachAndPull(request: StartRequest, record: RecordWithContainers, parts: AttachAndPull, signal?: AbortSignal): Promise<[InstanceNetwork, PulledImage[]]> {
  const attaching = parts.beforeStep('network').then(() => parts.network.attach(request.id, parts.mode, request.namespace));
  const pulling = parts.beforeStep('pull').then(async () => {
    const images = await Promise.all(request.spec.containers.map((c) => pullImageForStart(parts.images, c.image, signal)));
    await parts.afterPull?.(images);
    return images;
  });
  const [network, images] = await settleBoth(attaching, pulling);
  record.address = network.address;
  for (const [i, image] of images.entries()) {
    const container = record.containers[i];
    if (container) container.digest = image.digest;
  }
  return [network, images];
}
