import type { Instance } from '../domain/instance.js';
import type { Resources } from '../domain/resources.js';
import type { Store } from '../store/store.js';
import type { ReleaseCache } from './release-cache.js';
import { specResources } from './spec-resources.js';

/**
 * Loads the releases the given instances run, once each, and returns a synchronous sizer for
 * snapshot building (which must stay a pure, synchronous function).
 */
export async function instanceSizer(
  store: Store,
  releases: ReleaseCache,
  instances: Instance[],
): Promise<(instance: Instance) => Resources> {
  const sizes = new Map<string, Resources>();
  for (const instance of instances) {
    const key = `${instance.appId}#${instance.release}`;
    if (sizes.has(key)) continue;
    const release = await releases.get(store, instance.appId, instance.release).catch(() => undefined);
    sizes.set(key, release ? specResources(release.spec) : { millicpus: 0, memoryMib: 0, diskMib: 0 });
  }
  return (instance) => sizes.get(`${instance.appId}#${instance.release}`)!;
}
