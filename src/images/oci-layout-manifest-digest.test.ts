import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ociLayoutManifestDigest } from './oci-layout-manifest-digest.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const manifest = 'application/vnd.oci.image.manifest.v1+json';
const entry = (tag: string, digest: string, mediaType = manifest) => ({ mediaType, digest, size: 1, annotations: { 'org.opencontainers.image.ref.name': tag } });

describe('ociLayoutManifestDigest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-layout-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const index = (manifests: unknown[]) => writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));

  const cases: { name: string; manifests: unknown[] | null; expected: string | undefined }[] = [
    { name: 'the tag of an image manifest', manifests: [entry('v1', d('a')), entry('v2', d('b'))], expected: d('b') },
    { name: 'a Docker v2 manifest', manifests: [entry('v2', d('c'), 'application/vnd.docker.distribution.manifest.v2+json')], expected: d('c') },
    { name: 'an index (skopeo picks the platform)', manifests: [entry('v2', d('a'), 'application/vnd.oci.image.index.v1+json')], expected: undefined },
    { name: 'a tag that is not there', manifests: [entry('v1', d('a'))], expected: undefined },
    { name: 'a tag named twice', manifests: [entry('v2', d('a')), entry('v2', d('b'))], expected: undefined },
    { name: 'a digest that is not sha256', manifests: [entry('v2', 'md5:abc')], expected: undefined },
    { name: 'no index.json', manifests: null, expected: undefined },
  ];
  it.each(cases)('$name', async ({ manifests, expected }) => {
    if (manifests) await index(manifests);
    expect(await ociLayoutManifestDigest(dir, 'v2')).toBe(expected);
  });

  it('a broken index.json is left to skopeo to report', async () => {
    await writeFile(join(dir, 'index.json'), '{not json');
    expect(await ociLayoutManifestDigest(dir, 'v2')).toBeUndefined();
  });
});
