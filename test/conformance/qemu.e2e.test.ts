import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultMicroVmParts, imageDiskDirOf } from '../../src/runtimes/qemu/default-micro-vm-parts.js';
import { QemuInstanceLayout } from '../../src/runtimes/qemu/instance-layout.js';
import { QemuRuntime } from '../../src/runtimes/qemu/qemu-runtime.js';
import { realHostFixture } from './real-host-fixture.js';
import { describeRuntimeConformance } from './runtime-conformance.js';

const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun');

/**
 * Real QEMU microVMs (TCG on this host: boots take ~5 s), the real guest kit and guest init of
 * src/vm, the real image cache and the real host network on a private bridge (one tap per VM).
 */
describeRuntimeConformance(
  'qemu',
  async () => {
    const host = await realHostFixture({ tag: 'q', subnetOctet: 218, kind: 'microvm' });
    const stateDir = join(host.dir, 'qemu');
    const make = () => new QemuRuntime({ stateDir, images: host.images, network: host.network, vm: defaultMicroVmParts({ imageDiskDir: imageDiskDirOf(stateDir) }), accel: 'auto' });
    return {
      runtime: make(),
      probe: 'available',
      networked: true,
      newRuntimeOverSameState: make,
      makeRequest: host.makeRequest,
      reachable: host.reachable,
      async killFromOutside(id) {
        // The whole instance is one QEMU process: killing it is what "killed from outside" means here.
        process.kill(Number((await readFile(new QemuInstanceLayout(stateDir, id).pidfile, 'utf8')).trim()), 'SIGKILL');
      },
      // Nothing on the host restarts a VM: the runtime reports it exited and the agent replaces it.
      afterOutsideKill: 'exited',
      cleanup: () => host.cleanup(),
    };
  },
  {
    skipAll: canRun ? null : 'QEMU needs root, /usr/bin/qemu-system-x86_64 and /dev/net/tun',
    timeoutMs: 120_000,
    idPrefix: `cq${process.pid.toString(36)}`,
  },
);
