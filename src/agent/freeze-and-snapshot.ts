import type { Runtime } from '../runtimes/runtime.js';
import type { VolumeDriver } from '../volumes/volume-driver.js';

/**
 * A snapshot of volume `id` that is consistent whoever has it mounted: the driver freezes the
 * host's own mount (runc); a disk that a running microVM holds is frozen by its guest (through
 * the runtime) for the copy and thawed after, whatever happens. Used by `bubo volume snapshot`,
 * `bubo volume backup` and scheduled backups alike.
 */
export function freezeAndSnapshot(driver: VolumeDriver, runtimes: readonly Pick<Runtime, 'freezeVolume'>[]) {
  return async (id: string, name: string): Promise<void> => {
    const device = driver.device(id);
    let held: { instance: string; thaw: () => Promise<void> } | null = null;
    if (device) {
      for (const runtime of runtimes) {
        held = (await runtime.freezeVolume?.(device)) ?? null;
        if (held) break;
      }
    }
    try {
      await driver.snapshot(id, name);
    } finally {
      await held?.thaw();
    }
  };
}
