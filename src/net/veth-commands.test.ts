import { describe, expect, it } from 'vitest';
import { addVethPair, configureInstanceInterface } from './veth-commands.js';

describe('veth commands', () => {
  it('creates the pair with the peer born inside the namespace as eth0', () => {
    expect(addVethPair('bv0123456789', 'bubo-0123456789', 1450).argv).toEqual(
      ['ip', 'link', 'add', 'name', 'bv0123456789', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', '1450', 'netns', 'bubo-0123456789'],
    );
  });

  it('configures address, loopback, link and default route inside the namespace, in that order', () => {
    const commands = configureInstanceInterface({ netns: 'bubo-x', address: '10.88.1.2', prefixLength: 24, gateway: '10.88.1.1' });
    expect(commands.map((c) => c.argv)).toEqual([
      ['ip', '-n', 'bubo-x', 'addr', 'add', '10.88.1.2/24', 'dev', 'eth0'],
      ['ip', '-n', 'bubo-x', 'link', 'set', 'dev', 'lo', 'up'],
      ['ip', '-n', 'bubo-x', 'link', 'set', 'dev', 'eth0', 'up'],
      ['ip', '-n', 'bubo-x', 'route', 'add', 'default', 'via', '10.88.1.1', 'dev', 'eth0'],
    ]);
  });
});
