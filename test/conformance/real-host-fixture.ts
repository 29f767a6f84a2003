import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeKind } from '../../src/domain/runtime-kind.js';
import { runCommand } from '../../src/exec/run-command.js';
import { ImageCache } from '../../src/images/image-cache.js';
import { HostNetwork } from '../../src/net/host-network.js';
import type { RuntimeInstance, StartRequest } from '../../src/runtimes/runtime.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { testImages } from '../support/test-images.js';
import { type ConformanceRequest, conformanceStartRequest } from './conformance-request.js';
import { CONFORMANCE_HTTP_BODY, CONFORMANCE_HTTP_PORT } from './runtime-conformance.js';

/**
 * What a real runtime needs around it, laid out as an agent's state directory would be
 * (`<dir>/net`, `<dir>/<runtime>`), so `cleanupAgentState` removes whatever a failed run leaves:
 * the real image cache fed from the busybox-httpd test image's OCI layout (no registry), and the
 * real host network on a private bridge and subnet of its own.
 */
export interface RealHostFixture {
  dir: string;
  images: ImageCache;
  network: HostNetwork;
  bridge: string;
  makeRequest(request: ConformanceRequest): StartRequest;
  reachable(instance: RuntimeInstance): Promise<boolean>;
  /** Removes containers, mounts, netns, links, cgroups under `cgroupParent`, the bridge and `dir`. */
  cleanup(cgroupParent?: string): Promise<void>;
}

/** `tag` picks the bridge and subnet (e.g. `r` → bridge `bcfr<n>`, one /24 of 10.217.0.0/16 per process). */
export async function realHostFixture(options: { tag: string; subnetOctet: number; kind: RuntimeKind }): Promise<RealHostFixture> {
  const dir = await mkdtemp(join(tmpdir(), `bubo-cf-${options.tag}-`));
  const bridge = `bcf${options.tag}${process.pid % 100_000}`;
  const subnet = `10.${options.subnetOctet}.${process.pid % 250}.0/24`;
  const built = await testImages();
  const image = `oci:${built.httpdV1.layout}:${built.httpdV1.tag}`;
  const images = new ImageCache({ root: join(dir, 'images') });
  const network = new HostNetwork({ bridge, subnet, stateDir: join(dir, 'net'), exec: runCommand });
  await network.setupHost();
  return {
    dir,
    images,
    network,
    bridge,
    makeRequest: (request) =>
      conformanceStartRequest(request, { kind: options.kind, image, missingImage: `oci:${built.httpdV1.layout}:conformance-missing` }),
    async reachable(instance) {
      const url = `http://${instance.address}:${CONFORMANCE_HTTP_PORT}/`;
      const response = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(3_000) }).catch(() => null);
      return (await response?.text())?.trim() === CONFORMANCE_HTTP_BODY;
    },
    async cleanup(cgroupParent) {
      await cleanupAgentState(dir, bridge, cgroupParent);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
