import { describe, expect, it } from 'vitest';
import { addBridge, addBridgeAddress, bridgeMac, enableIpv4Forwarding, forgetNeighbour, listBridgeAddresses } from './bridge-commands.js';

describe('bridge commands', () => {
  it.each([
    ['adds a bridge with a fixed MAC and its MTU', addBridge('bubo0', 1450), ['ip', 'link', 'add', 'name', 'bubo0', 'address', bridgeMac('bubo0'), 'mtu', '1450', 'type', 'bridge']],
    ['forgets the neighbour entry of a freed address', forgetNeighbour('bubo0', '10.88.1.7'), ['ip', 'neigh', 'del', '10.88.1.7', 'dev', 'bubo0']],
    ['lists the bridge IPv4 addresses as JSON', listBridgeAddresses('bubo0'), ['ip', '-j', '-4', 'addr', 'show', 'dev', 'bubo0']],
    ['puts the gateway address on the bridge', addBridgeAddress('bubo0', '10.88.1.1', 24), ['ip', 'addr', 'add', '10.88.1.1/24', 'dev', 'bubo0']],
    ['turns IPv4 forwarding on', enableIpv4Forwarding(), ['sysctl', '-w', 'net.ipv4.ip_forward=1']],
  ])('%s', (_name, command, argv) => {
    expect(command).toEqual({ argv });
  });

  it('derives a stable, locally administered unicast MAC per bridge name', () => {
    expect(bridgeMac('bubo0')).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(bridgeMac('bubo0')).toBe(bridgeMac('bubo0'));
    expect(bridgeMac('bubo1')).not.toBe(bridgeMac('bubo0'));
  });
});
