import { describe, expect, it } from 'vitest';
import type { Deployment } from '../domain/deployment.js';
import type { Instance } from '../domain/instance.js';
import { testDeploy, testInstance } from '../../test/support/test-instance.js';
import { catalogInstances } from './catalog-instances.js';

const deployment = (over: Partial<Deployment> = {}): Deployment => ({
  id: 'd', appId: 'default/shop', fromRelease: 1, fromCount: 2, toRelease: 2, kind: 'deploy', status: 'running', message: '', switchedAt: null, createdAt: 0, updatedAt: 0, ...over,
});
const inst = (id: string, release: number, over: Partial<Instance> = {}) => testInstance(id, { release, address: `10.0.0.${id.length}`, ...over });
const ids = (list: Instance[]) => list.map((i) => i.id);

describe('catalogInstances', () => {
  const rolling = testDeploy();
  const blueGreen = testDeploy({ strategy: 'blue-green' });
  it.each([
    ['lists running instances without a check', [inst('a', 1), inst('b', 1)], undefined, rolling, ['a', 'b']],
    ['lists only healthy instances when there is a check', [inst('a', 1, { health: 'healthy' }), inst('b', 1, { health: 'unknown' }), inst('c', 1, { health: 'unhealthy' })], undefined, rolling, ['a']],
    ['leaves out instances that are stopping, starting or have no address', [inst('a', 1, { desired: 'stop' }), inst('b', 1, { state: 'starting' }), testInstance('c')], undefined, rolling, []],
    // A host marked down makes its instances unknown in the same pass (and the catalog changes):
    // they leave DNS and the load balancer then, whatever their last health report said.
    ['leaves out the unknown instances of a silent host, healthy as they last were', [inst('a', 1, { state: 'unknown', health: 'healthy' }), inst('b', 1, { health: 'healthy' })], undefined, rolling, ['b']],
    ['mixes old and new during a rolling deploy', [inst('a', 1), inst('n', 2)], deployment(), rolling, ['a', 'n']],
    ['lists only the old set during blue-green before the switch', [inst('a', 1), inst('n', 2)], deployment(), blueGreen, ['a']],
    ['lists only the new set from the switch on', [inst('a', 1), inst('n', 2)], deployment({ switchedAt: 5 }), blueGreen, ['n']],
    ['lists new instances when nothing old serves before the switch', [inst('a', 1, { state: 'failed' }), inst('n', 2)], deployment(), blueGreen, ['n']],
    ['falls back to the old set when no new instance serves after the switch', [inst('a', 1), inst('n', 2, { state: 'failed' })], deployment({ switchedAt: 5 }), blueGreen, ['a']],
    ['ignores a blue-green deployment that has ended', [inst('a', 1), inst('n', 2)], deployment({ status: 'failed' }), blueGreen, ['a', 'n']],
  ] as const)('%s', (_name, instances, dep, deploy, expected) => {
    expect(ids(catalogInstances(instances, dep, deploy))).toEqual(expected);
  });
});
