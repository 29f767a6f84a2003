import { describe, expect, it } from 'vitest';
import { deleteLink, enslaveLink, listLinks, setLinkUp } from './link-commands.js';

describe('link commands', () => {
  it.each([
    ['lists links as JSON', listLinks(), ['ip', '-j', 'link', 'show']],
    ['sets a link up', setLinkUp('bubo0'), ['ip', 'link', 'set', 'dev', 'bubo0', 'up']],
    ['puts a device on the bridge with the MTU, up', enslaveLink('bv0123456789', 'bubo0', 1500), ['ip', 'link', 'set', 'dev', 'bv0123456789', 'mtu', '1500', 'master', 'bubo0', 'up']],
    ['deletes a link', deleteLink('bt0123456789'), ['ip', 'link', 'del', 'dev', 'bt0123456789']],
  ])('%s', (_name, command, argv) => {
    expect(command).toEqual({ argv });
  });
});
