import { ImagePullError } from './image-pull-error.js';
import { sha256Digest } from './sha256-digest.js';

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

interface IndexEntry {
  digest?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/**
 * The digest of the linux/amd64 image manifest that a raw manifest or index (as printed by
 * `skopeo inspect --raw`) stands for: its own sha256 for a manifest, the matching entry for an
 * index. Pure; `reference` only names the image in errors.
 */
export function platformManifestDigest(raw: string, reference: string): string {
  let parsed: { mediaType?: string; manifests?: IndexEntry[]; layers?: unknown };
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    throw new ImagePullError(reference, 'the registry returned a manifest that is not JSON');
  }
  const isIndex = (parsed.mediaType !== undefined && INDEX_TYPES.has(parsed.mediaType)) || (Array.isArray(parsed.manifests) && parsed.layers === undefined);
  if (!isIndex) return sha256Digest(raw);
  const entries = parsed.manifests ?? [];
  const amd64 = entries.filter((e) => e.platform?.os === 'linux' && e.platform.architecture === 'amd64' && typeof e.digest === 'string');
  const chosen = amd64.find((e) => !e.platform?.variant || e.platform.variant === 'v1') ?? amd64[0];
  if (!chosen?.digest) {
    const offered = entries.map((e) => [e.platform?.os, e.platform?.architecture, e.platform?.variant].filter(Boolean).join('/') || 'unknown').join(', ');
    throw new ImagePullError(reference, `the image has no linux/amd64 variant (it offers ${offered || 'nothing'})`);
  }
  return chosen.digest;
}
