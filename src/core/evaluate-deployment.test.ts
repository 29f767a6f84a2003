import { describe, expect, it } from 'vitest';
import type { App } from '../domain/app.js';
import type { Deployment } from '../domain/deployment.js';
import type { Instance, InstanceState } from '../domain/instance.js';
import { evaluateDeployment } from './evaluate-deployment.js';

const app: App = {
  id: 'default/shop', namespace: 'default', name: 'shop', group: 'web', count: 2, stopped: false,
  destroying: false, release: 2, overProvision: false, createdAt: 0, updatedAt: 0,
};
const deployment: Deployment = {
  id: 'd1', appId: app.id, fromRelease: 1, fromCount: 2, toRelease: 2, kind: 'deploy', status: 'running', message: '', switchedAt: null, createdAt: 1_000, updatedAt: 1_000,
};
function inst(release: number, state: InstanceState, message = ''): Instance {
  return { id: `i${Math.random()}`, appId: app.id, release, hostId: 'h', slot: 0, desired: 'run', state, address: null, message, health: 'none', healthMessage: '', createdAt: 0, updatedAt: 0 };
}

describe('evaluateDeployment', () => {
  it.each([
    ['is still running while old instances are live', [inst(2, 'running'), inst(2, 'running'), inst(1, 'stopping')], 2_000, null],
    ['succeeds once the target release runs count instances and nothing old is live', [inst(2, 'running'), inst(2, 'running'), inst(1, 'stopped')], 2_000, 'succeeded'],
    ['is still running while too few new instances run', [inst(2, 'running'), inst(2, 'starting')], 2_000, null],
    ['fails after the healthy deadline', [inst(2, 'running'), inst(2, 'failed', 'exit 1')], 1_000 + 60_001, 'failed'],
  ] as const)('%s', (_name, instances, now, expected) => {
    const verdict = evaluateDeployment(deployment, app, [...instances], 60_000, now);
    expect(verdict?.status ?? null).toBe(expected);
  });

  it('names the last failure when it gives up', () => {
    const verdict = evaluateDeployment(deployment, app, [inst(2, 'failed', 'start failed: no such image')], 60_000, 100_000);
    expect(verdict?.message).toMatch(/did not reach 2 healthy within 60s.*last failure: start failed: no such image/);
  });

  it('does not fail a release that serves in full while its old instances are still stopping', () => {
    const healthy = { ...inst(2, 'running'), health: 'healthy' as const };
    expect(evaluateDeployment(deployment, app, [healthy, { ...healthy, id: 'b' }, inst(1, 'stopping')], 60_000, 100_000)).toBeNull();
  });

  it('does not count instances that run but have not passed their health check', () => {
    const unhealthy = { ...inst(2, 'running'), health: 'unhealthy' as const, healthMessage: 'HTTP 500 from http://10.0.0.2:80/' };
    const healthy = { ...inst(2, 'running'), health: 'healthy' as const };
    expect(evaluateDeployment(deployment, app, [healthy, unhealthy], 60_000, 2_000)).toBeNull();
    expect(evaluateDeployment(deployment, app, [healthy, { ...healthy, id: 'other' }], 60_000, 2_000)?.status).toBe('succeeded');
    const verdict = evaluateDeployment(deployment, app, [healthy, unhealthy], 60_000, 100_000);
    expect(verdict?.message).toBe(
      'release 2 did not reach 2 healthy within 60s (1 serving, 1 running but not healthy, 0 old still live); last failure: health check: HTTP 500 from http://10.0.0.2:80/',
    );
  });

  it('is superseded when the app moved on to another release or was destroyed', () => {
    expect(evaluateDeployment(deployment, { ...app, release: 3 }, [], 60_000, 2_000)?.status).toBe('superseded');
    expect(evaluateDeployment(deployment, { ...app, destroying: true }, [], 60_000, 2_000)?.status).toBe('superseded');
    expect(evaluateDeployment(deployment, undefined, [], 60_000, 2_000)?.status).toBe('superseded');
  });

  it('counts a stopped app as done once nothing runs', () => {
    expect(evaluateDeployment(deployment, { ...app, stopped: true }, [inst(2, 'stopped')], 60_000, 2_000)?.status).toBe('succeeded');
  });
});
