import type { Release } from '../domain/app.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Store } from '../store/store.js';

/** Releases are immutable, so they can be cached forever by app and version. */
export class ReleaseCache {
  #byKey = new Map<string, Release>();

  async get(store: Store, appId: string, version: number): Promise<Release> {
    const key = `${appId}#${version}`;
    const cached = this.#byKey.get(key);
    if (cached) return cached;
    const release = await store.getRelease(appId, version);
    if (!release) throw new NotFoundError('release', `${appId} v${version}`);
    this.#byKey.set(key, release);
    return release;
  }

  /** Forget one release (after its digests were pinned, the only change a release ever sees). */
  forget(appId: string, version: number): void {
    this.#byKey.delete(`${appId}#${version}`);
  }

  /** Forget an app's releases (after `destroy`, a new app of the same name starts at 1 again). */
  forgetApp(appId: string): void {
    for (const key of this.#byKey.keys()) if (key.startsWith(`${appId}#`)) this.#byKey.delete(key);
  }
}
