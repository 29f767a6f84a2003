import { describe, expect, it } from 'vitest';
import { parseImageReference } from './image-reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['redis:7.2', { registry: null, repository: 'redis', tag: '7.2', digest: null }],
    ['library/redis:7', { registry: null, repository: 'library/redis', tag: '7', digest: null }],
    [
      'registry.internal:5000/shop:1.4.2',
      { registry: 'registry.internal:5000', repository: 'shop', tag: '1.4.2', digest: null },
    ],
    ['localhost/app:dev', { registry: 'localhost', repository: 'app', tag: 'dev', digest: null }],
    ['ghcr.io/acme/web-app:v1_2', { registry: 'ghcr.io', repository: 'acme/web-app', tag: 'v1_2', digest: null }],
    [`redis@${DIGEST}`, { registry: null, repository: 'redis', tag: null, digest: DIGEST }],
    [`redis:7@${DIGEST}`, { registry: null, repository: 'redis', tag: '7', digest: DIGEST }],
    [
      `registry.internal:5000/shop@${DIGEST}`,
      { registry: 'registry.internal:5000', repository: 'shop', tag: null, digest: DIGEST },
    ],
  ])('parses %j', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it.each([
    ['redis', 'image "redis" needs a tag or digest, e.g. "redis:1.0"'],
    ['registry.internal:5000/shop', 'image "registry.internal:5000/shop" needs a tag or digest'],
    ['redis@sha256:abc', 'malformed digest'],
    ['Redis:7', 'upper-case repository name'],
    ['redis:', 'malformed tag'],
    ['redis:7 ', 'whitespace'],
    ['', 'is empty'],
    [':7', 'no repository name'],
    ['bad..name:1', 'malformed repository name'],
    ['reg.io:port/shop:1', 'malformed registry host'],
  ])('rejects %j saying %j', (reference, message) => {
    expect(() => parseImageReference(reference)).toThrow(message);
  });
});
