import { describe, expect, it } from 'vitest';
import { platformManifestDigest } from './platform-manifest-digest.js';
import { sha256Digest } from './sha256-digest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const index = (manifests: unknown[]) => JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests });

describe('platformManifestDigest', () => {
  it('is the sha256 of the raw bytes for an image manifest', () => {
    const raw = '{"schemaVersion":2,"config":{},"layers":[]}';
    expect(platformManifestDigest(raw, 'r/x:1')).toBe(sha256Digest(raw));
  });

  it('picks the linux/amd64 entry of an index', () => {
    const raw = index([
      { digest: d('1'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { digest: d('2'), platform: { os: 'linux', architecture: 'amd64' } },
      { digest: d('3'), platform: { os: 'unknown', architecture: 'unknown' } },
    ]);
    expect(platformManifestDigest(raw, 'r/x:1')).toBe(d('2'));
  });

  it('reads a Docker manifest list the same way', () => {
    const raw = JSON.stringify({ mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [{ digest: d('4'), platform: { os: 'linux', architecture: 'amd64' } }] });
    expect(platformManifestDigest(raw, 'r/x:1')).toBe(d('4'));
  });

  it('lists the platforms offered when there is no linux/amd64 image', () => {
    const raw = index([{ digest: d('1'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }]);
    expect(() => platformManifestDigest(raw, 'r/x:1')).toThrow('Cannot pull image r/x:1: the image has no linux/amd64 variant (it offers linux/arm64/v8)');
  });
});
