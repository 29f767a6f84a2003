import { describe, expect, it } from 'vitest';
import type { Command } from '../exec/command.js';
import { skopeoCopyArgv } from './skopeo-copy-argv.js';
import { skopeoInspectRawArgv } from './skopeo-inspect-raw-argv.js';
import { umociGcArgv } from './umoci-gc-argv.js';
import { umociRawUnpackArgv } from './umoci-raw-unpack-argv.js';
import { umociRemoveArgv } from './umoci-remove-argv.js';

const D = `sha256:${'ab'.repeat(32)}`;
const T = `sha256-${'ab'.repeat(32)}`;
const L = '/var/lib/bubo/images/layout';
const P = ['skopeo', '--override-os', 'linux', '--override-arch', 'amd64'];

describe('image argv builders', () => {
  it.each<[string, Command, string[]]>([
    ['inspect, HTTPS, anonymous', skopeoInspectRawArgv({ transportRef: 'docker://r.x/shop:1' }), [...P, 'inspect', '--raw', '--no-creds', 'docker://r.x/shop:1']],
    [
      'inspect, insecure, with an auth file',
      skopeoInspectRawArgv({ transportRef: 'docker://r.x:5000/shop:1', tlsVerify: false, authFile: '/t/auth.json' }),
      [...P, 'inspect', '--raw', '--tls-verify=false', '--authfile', '/t/auth.json', 'docker://r.x:5000/shop:1'],
    ],
    ['inspect, local layout', skopeoInspectRawArgv({ transportRef: 'oci:/srv/shop:1' }), [...P, 'inspect', '--raw', 'oci:/srv/shop:1']],
    [
      'copy pinned by digest, insecure, with an auth file',
      skopeoCopyArgv({ transportRef: `docker://r.x:5000/shop@${D}`, tlsVerify: false, authFile: '/t/auth.json' }, { layoutDir: L, tag: T }),
      [...P, 'copy', '--quiet', '--src-tls-verify=false', '--src-authfile', '/t/auth.json', `docker://r.x:5000/shop@${D}`, `oci:${L}:${T}`],
    ],
    [
      'copy, HTTPS, anonymous',
      skopeoCopyArgv({ transportRef: `docker://r.x/shop@${D}` }, { layoutDir: L, tag: T }),
      [...P, 'copy', '--quiet', '--src-no-creds', `docker://r.x/shop@${D}`, `oci:${L}:${T}`],
    ],
    ['copy from a local layout', skopeoCopyArgv({ transportRef: 'oci:/srv/shop:1' }, { layoutDir: L, tag: T }), [...P, 'copy', '--quiet', 'oci:/srv/shop:1', `oci:${L}:${T}`]],
    ['raw unpack as root', umociRawUnpackArgv({ layoutDir: L, tag: T, rootfsDir: '/x/tmp/u/rootfs' }), ['umoci', 'raw', 'unpack', '--image', `${L}:${T}`, '/x/tmp/u/rootfs']],
    [
      'raw unpack rootless',
      umociRawUnpackArgv({ layoutDir: L, tag: T, rootfsDir: '/x/r', rootless: true }),
      ['umoci', 'raw', 'unpack', '--rootless', '--image', `${L}:${T}`, '/x/r'],
    ],
    ['remove a tag', umociRemoveArgv(L, T), ['umoci', 'rm', '--image', `${L}:${T}`]],
    ['garbage-collect blobs', umociGcArgv(L), ['umoci', 'gc', '--layout', L]],
  ])('builds %s', (_name, command, argv) => {
    expect(command.argv).toEqual(argv);
  });
});
