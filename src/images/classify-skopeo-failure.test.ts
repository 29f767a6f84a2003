import { describe, expect, it } from 'vitest';
import { classifySkopeoFailure } from './classify-skopeo-failure.js';
import { parseImageReference } from './image-reference.js';

const fatal = (msg: string) => `time="2026-01-01T00:00:00Z" level=fatal msg="${msg.replace(/"/g, '\\"')}"\n`;
const shop = parseImageReference('registry.x:5000/shop:9.9');

describe('classifySkopeoFailure', () => {
  it.each([
    [
      'reading manifest 9.9 in registry.x:5000/shop: manifest unknown: manifest unknown',
      { reason: 'image registry.x:5000/shop:9.9 not found in the registry', transient: false, wholeMessage: true },
    ],
    [
      'pinging container registry registry.x:5000: Get "http://registry.x:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
      { reason: 'cannot reach registry registry.x:5000: connection refused', transient: true, wholeMessage: false },
    ],
    ['pinging container registry registry.x:5000: Get "https://registry.x:5000/v2/": dial tcp: lookup registry.x: no such host', { reason: 'cannot reach registry registry.x:5000: unknown host', transient: true }],
    ['Get "https://registry.x:5000/v2/": net/http: TLS handshake timeout', { reason: 'cannot reach registry registry.x:5000: TLS handshake timeout', transient: true }],
    ['reading blob sha256:00: fetching blob: received unexpected HTTP status: 503 Service Unavailable', { reason: 'registry registry.x:5000 answered HTTP 503', transient: true }],
    ['Get "https://registry.x:5000/v2/": http: server gave HTTP response to HTTPS client', { reason: expect.stringMatching(/speaks plain HTTP/), transient: false }],
    ['Get "https://registry.x:5000/v2/": x509: certificate signed by unknown authority', { reason: expect.stringMatching(/certificate .* is not trusted \(x509: certificate signed by unknown authority\)/), transient: false }],
    ['reading manifest 9.9 in registry.x:5000/shop: unauthorized: authentication required', { reason: expect.stringMatching(/refused access \(unauthorized\); check the credentials for registry.x:5000/), transient: false }],
  ])('reads "%s"', (msg, expected) => {
    expect(classifySkopeoFailure(fatal(`Error parsing image name "docker://x": ${msg}`), shop)).toMatchObject(expected);
  });

  it('names the missing tag of a local OCI layout', () => {
    const ref = parseImageReference('oci:/srv/shop:2');
    expect(classifySkopeoFailure(fatal('Error parsing image name "oci:/srv/shop:2": no descriptor found for reference "2"'), ref).reason).toBe(
      'image oci:/srv/shop:2 not found: the OCI layout /srv/shop has no tag "2"',
    );
  });

  it('falls back to skopeo\'s own message, unescaped', () => {
    expect(classifySkopeoFailure(fatal('something "odd"\\n happened'), shop)).toEqual({ reason: 'something "odd" happened', transient: false, wholeMessage: false });
  });
});
