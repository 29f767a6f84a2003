import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCommand } from '../../src/exec/run-command.js';
import { RuncRuntime } from '../../src/runtimes/runc/runc-runtime.js';
import { realHostFixture } from './real-host-fixture.js';
import { describeRuntimeConformance } from './runtime-conformance.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/sbin/runc') && existsSync('/bin/busybox');
const cgroupParent = `bubo-cf-${process.pid}`;

/**
 * Real runc: the real image cache (busybox-httpd test image), the real host network on a private
 * bridge, one netns + veth per instance. Every case runs.
 */
describeRuntimeConformance(
  'runc',
  async () => {
    const host = await realHostFixture({ tag: 'r', subnetOctet: 217, kind: 'container' });
    const make = () => new RuncRuntime({ stateDir: join(host.dir, 'runc'), images: host.images, network: host.network, cgroupParent, exec: runCommand });
    return {
      runtime: make(),
      probe: 'available',
      networked: true,
      newRuntimeOverSameState: make,
      makeRequest: host.makeRequest,
      reachable: host.reachable,
      async killFromOutside(id) {
        const state = JSON.parse((await run('runc', ['state', `${id}-main`])).stdout) as { pid: number };
        process.kill(state.pid, 'SIGKILL');
      },
      // Its supervise (the agent calls it every second) runs the container again under `always`.
      afterOutsideKill: 'restarted',
      async cleanup() {
        await host.cleanup(cgroupParent);
        for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
          await rmdir(join('/sys/fs/cgroup', controller, cgroupParent)).catch(() => {});
        }
      },
    };
  },
  { skipAll: canRun ? null : 'runc needs root, /usr/sbin/runc and /bin/busybox' },
);
