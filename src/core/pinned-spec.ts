import type { Release } from '../domain/app.js';
import type { TaskSpec } from '../domain/task-spec.js';

/**
 * The release's spec with each image pinned to the digest recorded for its container
 * (`repo:tag@sha256:…`; the digest wins when pulling). Unpinned images stay as written.
 */
export function pinnedSpec(release: Release): TaskSpec {
  if (Object.keys(release.digests).length === 0) return release.spec;
  return {
    ...release.spec,
    containers: release.spec.containers.map((c) => ({ ...c, image: pinImage(c.image, release.digests[c.name]) })),
  };
}

export function pinImage(image: string, digest: string | undefined): string {
  return digest && !image.includes('@') ? `${image}@${digest}` : image;
}
