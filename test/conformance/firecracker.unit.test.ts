import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceNetwork, NetworkProvider } from '../../src/net/network-provider.js';
import type { FirecrackerGuest } from '../../src/runtimes/firecracker/firecracker-guest.js';
import { FirecrackerRuntime } from '../../src/runtimes/firecracker/firecracker-runtime.js';
import { jailId } from '../../src/runtimes/firecracker/jailer-argv.js';
import { FakeFirecracker } from '../../src/runtimes/firecracker/test-fake-firecracker.js';
import { FirecrackerSpec } from '../../src/runtimes/firecracker/test-firecracker-spec.js';
import type { StartRequest } from '../../src/runtimes/runtime.js';
import { conformanceStartRequest } from './conformance-request.js';
import { describeRuntimeConformance } from './runtime-conformance.js';

const NO_BOOT = 'firecracker cannot run on this host (no hardware KVM): verified by contract tests in src/runtimes/firecracker';
const hardwareKvm = existsSync('/dev/kvm') && (existsSync('/sys/module/kvm_intel') || existsSync('/sys/module/kvm_amd'));

/** One tap "attachment" per instance with its own address; no devices are made. */
class ContractNetwork implements NetworkProvider {
  readonly #addresses = new Map<string, string>();
  #next = 2;
  async setupHost(): Promise<void> {}
  async attach(instanceId: string): Promise<InstanceNetwork> {
    let address = this.#addresses.get(instanceId);
    if (!address) {
      address = `10.219.0.${this.#next++}`;
      this.#addresses.set(instanceId, address);
    }
    return { instanceId, netnsPath: '', hostInterface: `bt-${instanceId}`.slice(0, 15), address, prefixLength: 24, gateway: '10.219.0.1', dns: '10.219.0.1', mtu: 1500 };
  }
  async detach(instanceId: string): Promise<void> {
    this.#addresses.delete(instanceId);
  }
  async list(): Promise<string[]> {
    return [...this.#addresses.keys()];
  }
}

/**
 * Kernel, initramfs and image disk are placeholder files (the fake API checks that every path it
 * is given exists inside the jail). An image reference with `missing` in it fails the way a pull
 * of an unknown image does, so the case checks what the runtime makes of a guest-preparation failure.
 */
class ContractGuest implements FirecrackerGuest {
  constructor(private readonly shared: string) {}
  async kit() {
    return { kernel: join(this.shared, 'vmlinux'), initramfs: join(this.shared, 'initramfs.cpio') };
  }
  async prepareDisks(request: StartRequest, _network: InstanceNetwork, dir: string) {
    const missing = request.spec.containers.find((c) => c.image.includes('missing'));
    if (missing) throw new Error(`image ${missing.image} not found in its registry`);
    await writeFile(join(dir, 'config.ext4'), JSON.stringify({ instanceId: request.id }));
    await writeFile(join(dir, 'scratch.ext4'), '');
    return {
      disks: { config: join(dir, 'config.ext4'), scratch: join(dir, 'scratch.ext4'), images: [join(this.shared, 'image.ext4')] },
      images: Object.fromEntries(request.spec.containers.map((c) => [c.name, 'sha256:contract'])),
    };
  }
}

/**
 * FirecrackerRuntime against the fake jailer + API socket of src/runtimes/firecracker (every
 * request validated against Firecracker's OpenAPI file), with fake binaries and cgroup root.
 * `probe` is the real one on this host: without hardware KVM it must say unavailable, and why.
 */
describeRuntimeConformance(
  'firecracker (contract: fake API socket)',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bubo-cf-fc-'));
    const bin = join(dir, 'bin');
    const shared = join(dir, 'shared');
    for (const d of [bin, shared, join(dir, 'cgroup', 'memory', 'bubo'), join(dir, 'cgroup', 'cpu', 'bubo')]) await mkdir(d, { recursive: true });
    for (const name of ['firecracker', 'jailer']) {
      await writeFile(join(bin, name), `#!/bin/sh\necho "${name} v1.17.0-fake"\n`);
      await chmod(join(bin, name), 0o755);
    }
    for (const f of ['vmlinux', 'initramfs.cpio', 'image.ext4']) await writeFile(join(shared, f), f);
    const fake = new FakeFirecracker(new FirecrackerSpec());
    const network = new ContractNetwork();
    const make = () =>
      new FirecrackerRuntime({
        stateDir: join(dir, 'state'),
        guest: new ContractGuest(shared),
        network,
        firecracker: join(bin, 'firecracker'),
        jailer: join(bin, 'jailer'),
        cgroupVersion: 1,
        cgroupRoot: join(dir, 'cgroup'),
        processes: fake,
        apiReadyTimeoutMs: 2_000,
      });
    return {
      runtime: make(),
      probe: hardwareKvm ? 'available' : 'unavailable',
      networked: true,
      newRuntimeOverSameState: make,
      makeRequest: (request) => conformanceStartRequest(request, { kind: 'microvm', image: 'test/busybox:1', missingImage: 'test/missing:1' }),
      // The fake Firecracker process ends, as a killed or crashed VMM would.
      killFromOutside: async (id) => fake.crash(jailId(id)),
      afterOutsideKill: 'exited',
      async cleanup() {
        const invalid = fake.requests.filter((r) => r.errors.length > 0);
        await fake.close();
        await rm(dir, { recursive: true, force: true });
        // Every request the runtime sent during the suite conformed to Firecracker's API description.
        if (invalid.length > 0) throw new Error(`requests not conforming to the Firecracker API: ${JSON.stringify(invalid)}`);
      },
    };
  },
  {
    skip: {
      exec: 'FirecrackerRuntime has no Exec ability yet (the vsock control channel is not wired to exec)',
      secrets: 'no boot here (no hardware KVM) and no Exec to read them: the config disk is checked in default-firecracker-guest.test.ts; the guest init is the one QEMU runs this case with',
      logs: 'FirecrackerRuntime has no LogSource yet (consolePath() gives the console file only)',
      'isolated-files': NO_BOOT,
      'start-bad-entrypoint': NO_BOOT,
      'restart-on-failure': `${NO_BOOT} (restarts are the guest init's, as under qemu)`,
      'stop-graceful': `${NO_BOOT} (the SendCtrlAltDel request is checked against the API spec there)`,
    },
    timeoutMs: 20_000,
  },
);
