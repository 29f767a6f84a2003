import type { ImageProvider } from '../images/image-provider.js';
import type { NetworkProvider } from '../net/network-provider.js';

/**
 * What the host agent hands every runtime's `create<Name>Runtime` (the registration table,
 * `runtime-registry.ts`): the pieces runtimes share on one host, and the runtime's own state
 * directory (`<agent state>/<runtime name>`).
 */
export interface RuntimeContext {
  /** The runtime's own directory: its instances, and whatever else it keeps (probe cache, image disks). */
  stateDir: string;
  images: ImageProvider;
  network: NetworkProvider;
  /** Progress lines for the agent's log (guest kit builds). */
  log: (line: string) => void;
  /** An uncompressed vmlinux for microVMs instead of the guest kit's Debian kernel. */
  kernelPath?: string;
  /** cgroup parent of container instances (`/bubo`). */
  cgroupParent?: string;
}
