import { describe, expect, it } from 'vitest';
import { deletePeerRoute, flushPeerRoutes, listPeerRoutes, replacePeerRoute } from './route-commands.js';

describe('route commands', () => {
  it.each([
    ['lists bubo routes (proto 176) as JSON', listPeerRoutes(), ['ip', '-j', '-4', 'route', 'show', 'proto', '176']],
    [
      'routes another host subnet via its address, from this host address',
      replacePeerRoute({ dst: '10.88.2.0/24', via: '192.0.2.2', src: '192.0.2.1' }),
      ['ip', 'route', 'replace', '10.88.2.0/24', 'via', '192.0.2.2', 'src', '192.0.2.1', 'proto', '176'],
    ],
    [
      'routes over the VXLAN device to the other host gateway, onlink',
      replacePeerRoute({ dst: '10.88.2.0/24', via: '10.88.2.1', dev: 'bubo0-vx', src: '192.0.2.1' }),
      ['ip', 'route', 'replace', '10.88.2.0/24', 'via', '10.88.2.1', 'dev', 'bubo0-vx', 'onlink', 'src', '192.0.2.1', 'proto', '176'],
    ],
    ['routes without a source when none is known', replacePeerRoute({ dst: '10.88.2.0/24', via: '192.0.2.2' }), ['ip', 'route', 'replace', '10.88.2.0/24', 'via', '192.0.2.2', 'proto', '176']],
    ['deletes only a bubo route', deletePeerRoute('10.88.2.0/24'), ['ip', 'route', 'del', '10.88.2.0/24', 'proto', '176']],
    ['flushes every bubo route', flushPeerRoutes(), ['ip', 'route', 'flush', 'proto', '176']],
  ])('%s', (_name, command, argv) => {
    expect(command).toEqual({ argv });
  });
});
