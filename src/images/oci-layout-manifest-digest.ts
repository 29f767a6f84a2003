import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const IMAGE_MANIFEST_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);

/**
 * The manifest digest an OCI layout's `index.json` names for `tag`, read from the file instead
 * of a `skopeo inspect` process on every start. Undefined when the tag names an index (several
 * platforms: skopeo picks the platform) or the layout cannot be read (skopeo reports why).
 */
export async function ociLayoutManifestDigest(layout: string, tag: string): Promise<string | undefined> {
  try {
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests?: { digest?: unknown; mediaType?: unknown; annotations?: Record<string, unknown> }[] };
    const entries = (index.manifests ?? []).filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
    const [entry] = entries;
    if (entries.length !== 1 || typeof entry?.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(entry.digest)) return undefined;
    return typeof entry.mediaType === 'string' && IMAGE_MANIFEST_TYPES.has(entry.mediaType) ? entry.digest : undefined;
  } catch {
    return undefined;
  }
}
