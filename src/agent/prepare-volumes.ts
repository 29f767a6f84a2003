import type { Assignment } from '../api/agent-protocol.js';
import type { Runtime, StartVolume } from '../runtimes/runtime.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';

/**
 * Makes an instance's volumes ready for its runtime, before `start`: each is created on first
 * use (an empty filesystem) and grown to the size the release asks for; containers get it
 * mounted on the host (runc bind-mounts the directory), microVMs get the disk with the host's
 * mount let go, since two kernels must never mount one ext4 at once. Idempotent: an agent that
 * crashed half-way through simply runs it again.
 */
export async function prepareVolumes(driver: VolumeDriver, volumes: Assignment['volumes'], runtime: Pick<Runtime, 'name' | 'volumes'>): Promise<StartVolume[]> {
  if (!runtime.volumes) throw new Error(`runtime ${runtime.name} cannot attach volumes yet (runc and qemu can)`);
  const out: StartVolume[] = [];
  for (const v of volumes) {
    const ref = { id: v.id, sizeMib: v.size_mib };
    await driver.ensure(ref);
    if (runtime.volumes === 'mount') {
      out.push({ name: v.name, path: v.path, hostPath: await driver.mount(ref), device: driver.device(v.id) });
    } else {
      await driver.unmount(v.id);
      out.push({ name: v.name, path: v.path, hostPath: null, device: driver.device(v.id) });
    }
  }
  return out;
}
