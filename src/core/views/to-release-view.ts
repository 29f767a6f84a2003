import type { ReleaseView } from '../../api/release-view.js';
import type { Release } from '../../domain/app.js';
import { pinImage } from '../pinned-spec.js';

export function toReleaseView(release: Release, current: number | null): ReleaseView {
  return {
    version: release.version,
    current: release.version === current,
    images: release.spec.containers.map((c) => pinImage(c.image, release.digests[c.name])),
    count: release.spec.count,
    warnings: release.warnings,
    secrets: release.secretVersions,
    created_at: new Date(release.createdAt).toISOString(),
  };
}
