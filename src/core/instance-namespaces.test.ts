import { describe, expect, it } from 'vitest';
import type { Instance } from '../domain/instance.js';
import { catalogHosts } from './catalog-hosts.js';
import { instanceNamespaces } from './instance-namespaces.js';

type Row = Pick<Instance, 'appId' | 'address' | 'state'>;
const row = (appId: string, address: string | null, state: Instance['state'] = 'running'): Row => ({ appId, address, state });

describe('instanceNamespaces', () => {
  it.each<[string, Row[], Record<string, string[]>]>([
    ['is empty without instances', [], {}],
    [
      'groups live addresses by namespace, numerically sorted, apps merged',
      [row('default/web', '10.88.1.10'), row('default/redis', '10.88.2.2'), row('other/probe', '10.88.1.3'), row('default/web', '10.88.1.9')],
      { default: ['10.88.1.9', '10.88.1.10', '10.88.2.2'], other: ['10.88.1.3'] },
    ],
    [
      'keeps instances that are not serving yet or whose host is silent, drops terminal ones and those without an address',
      [row('a/x', '10.88.1.2', 'starting'), row('a/x', '10.88.1.3', 'unknown'), row('a/x', '10.88.1.4', 'stopped'), row('a/x', '10.88.1.5', 'failed'), row('a/x', '10.88.1.6', 'lost'), row('a/x', null)],
      { a: ['10.88.1.2', '10.88.1.3'] },
    ],
    ['lists an address once', [row('a/x', '10.88.1.2'), row('a/y', '10.88.1.2', 'stopping')], { a: ['10.88.1.2'] }],
  ])('%s', (_name, rows, expected) => {
    expect(instanceNamespaces(rows)).toEqual(expected);
  });
});

describe('catalogHosts', () => {
  it('lists every host by name with only its address and subnet', () => {
    expect(
      catalogHosts([
        { name: 'h2', address: '192.0.2.2', subnet: '10.88.2.0/24' },
        { name: 'h1', address: '192.0.2.1', subnet: '10.88.1.0/24' },
      ]),
    ).toEqual([
      { name: 'h1', address: '192.0.2.1', subnet: '10.88.1.0/24' },
      { name: 'h2', address: '192.0.2.2', subnet: '10.88.2.0/24' },
    ]);
  });
});
