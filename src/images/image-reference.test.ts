import { describe, expect, it } from 'vitest';
import { parseImageReference, skopeoTransportRef } from './image-reference.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    ['127.0.0.1:5055/shop:1.4', { registry: '127.0.0.1:5055', repository: 'shop', tag: '1.4' }],
    ['registry.x/team/shop', { registry: 'registry.x', repository: 'team/shop', tag: 'latest' }],
    ['localhost/shop:1', { registry: 'localhost', repository: 'shop', tag: '1' }],
    ['redis:7', { registry: 'docker.io', repository: 'library/redis', tag: '7' }],
    ['bitnami/redis', { registry: 'docker.io', repository: 'bitnami/redis', tag: 'latest' }],
    [`registry.x:5000/shop@${D}`, { registry: 'registry.x:5000', repository: 'shop', digest: D }],
    [`registry.x:5000/shop:1.4@${D}`, { registry: 'registry.x:5000', repository: 'shop', tag: '1.4', digest: D }],
  ])('reads %s as a registry reference', (text, expected) => {
    expect(parseImageReference(text)).toEqual({ kind: 'registry', text, ...expected });
  });

  it('reads oci:/path:tag as a local OCI layout reference', () => {
    expect(parseImageReference('oci:/srv/images/shop:1.4')).toEqual({ kind: 'oci-layout', text: 'oci:/srv/images/shop:1.4', path: '/srv/images/shop', tag: '1.4' });
  });

  it.each([
    ['Registry.x/Shop:1', /not a valid repository name/],
    ['registry.x/shop@sha256:abc', /the digest must be "sha256:" followed by 64/],
    ['registry.x/shop:-bad', /"-bad" is not a valid tag/],
    ['oci:/srv/shop', /needs a tag/],
    ['oci:relative/shop:1', /must be absolute/],
    ['oci:/srv/a:b/shop:1', /must not contain ":"/],
  ])('rejects %s and says why', (text, why) => {
    expect(() => parseImageReference(text)).toThrow(why);
  });
});

describe('skopeoTransportRef', () => {
  it('pins a tag reference to the resolved digest, since skopeo rejects tag and digest together', () => {
    const ref = parseImageReference(`registry.x:5000/shop:1.4@${D}`);
    expect(skopeoTransportRef(ref)).toBe(`docker://registry.x:5000/shop@${D}`);
    expect(skopeoTransportRef(parseImageReference('registry.x:5000/shop:1.4'))).toBe('docker://registry.x:5000/shop:1.4');
    expect(skopeoTransportRef(parseImageReference('registry.x:5000/shop:1.4'), D)).toBe(`docker://registry.x:5000/shop@${D}`);
  });

  it('keeps an OCI layout reference as it is', () => {
    expect(skopeoTransportRef(parseImageReference('oci:/srv/shop:1'), D)).toBe('oci:/srv/shop:1');
  });
});
