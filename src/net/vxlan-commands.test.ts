import { describe, expect, it } from 'vitest';
import { addVxlan, appendFdb, deleteFdb, deleteNeighbour, listFdb, listNeighbours, replaceNeighbour, vtepMac, vxlanDeviceName } from './vxlan-commands.js';

describe('VXLAN commands', () => {
  it.each([
    [
      'adds the device with a fixed MAC, MTU 1450, VNI 8842, port 4789, no learning',
      addVxlan('bubo0-vx', '192.0.2.1', '02:00:00:00:00:01', 1450),
      ['ip', 'link', 'add', 'name', 'bubo0-vx', 'address', '02:00:00:00:00:01', 'mtu', '1450', 'type', 'vxlan', 'id', '8842', 'local', '192.0.2.1', 'dstport', '4789', 'nolearning'],
    ],
    ['lists the forwarding entries as JSON', listFdb('bubo0-vx'), ['bridge', '-j', 'fdb', 'show', 'dev', 'bubo0-vx']],
    ['sends a peer MAC to its host', appendFdb('bubo0-vx', '02:aa:bb:cc:dd:ee', '192.0.2.2'), ['bridge', 'fdb', 'append', '02:aa:bb:cc:dd:ee', 'dev', 'bubo0-vx', 'dst', '192.0.2.2']],
    ['forgets a peer entry', deleteFdb('bubo0-vx', '02:aa:bb:cc:dd:ee', '192.0.2.2'), ['bridge', 'fdb', 'del', '02:aa:bb:cc:dd:ee', 'dev', 'bubo0-vx', 'dst', '192.0.2.2']],
    ['lists neighbours as JSON', listNeighbours('bubo0-vx'), ['ip', '-j', '-4', 'neigh', 'show', 'dev', 'bubo0-vx']],
    [
      'pins a peer gateway to its VXLAN MAC',
      replaceNeighbour('bubo0-vx', '10.88.2.1', '02:aa:bb:cc:dd:ee'),
      ['ip', 'neigh', 'replace', '10.88.2.1', 'lladdr', '02:aa:bb:cc:dd:ee', 'dev', 'bubo0-vx', 'nud', 'permanent'],
    ],
    ['forgets a neighbour', deleteNeighbour('bubo0-vx', '10.88.2.1'), ['ip', 'neigh', 'del', '10.88.2.1', 'dev', 'bubo0-vx']],
  ])('%s', (_name, command, argv) => {
    expect(command).toEqual({ argv });
  });

  it('names the device after the bridge, within 15 characters', () => {
    expect(vxlanDeviceName('bubo0')).toBe('bubo0-vx');
    expect(vxlanDeviceName('a-very-long-br0')).toBe('a-very-long--vx');
    expect(vxlanDeviceName('a-very-long-br0').length).toBe(15);
  });

  it('derives one stable, locally administered unicast MAC per subnet', () => {
    expect(vtepMac('10.88.1.0/24')).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(vtepMac('10.88.1.0/24')).toBe(vtepMac('10.88.1.0/24'));
    expect(vtepMac('10.88.2.0/24')).not.toBe(vtepMac('10.88.1.0/24'));
  });
});
