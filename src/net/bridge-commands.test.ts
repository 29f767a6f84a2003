import { describe, expect, it } from 'vitest';
import { addBridge, addBridgeAddress, enableIpv4Forwarding, listBridgeAddresses } from './bridge-commands.js';

describe('bridge commands', () => {
  it.each([
    ['adds a bridge with its MTU', addBridge('bubo0', 1450), ['ip', 'link', 'add', 'name', 'bubo0', 'mtu', '1450', 'type', 'bridge']],
    ['lists the bridge IPv4 addresses as JSON', listBridgeAddresses('bubo0'), ['ip', '-j', '-4', 'addr', 'show', 'dev', 'bubo0']],
    ['puts the gateway address on the bridge', addBridgeAddress('bubo0', '10.88.1.1', 24), ['ip', 'addr', 'add', '10.88.1.1/24', 'dev', 'bubo0']],
    ['turns IPv4 forwarding on', enableIpv4Forwarding(), ['sysctl', '-w', 'net.ipv4.ip_forward=1']],
  ])('%s', (_name, command, argv) => {
    expect(command).toEqual({ argv });
  });
});
