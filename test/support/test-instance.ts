import type { Instance } from '../../src/domain/instance.js';
import type { DeploySpec } from '../../src/domain/task-spec.js';

/** A running instance of release 1 of default/shop on h1; tests override what they are about. */
export function testInstance(id: string, overrides: Partial<Instance> = {}): Instance {
  return {
    id,
    appId: 'default/shop',
    release: 1,
    hostId: 'h1',
    slot: 0,
    desired: 'run',
    state: 'running',
    address: null,
    message: '',
    health: 'none',
    healthMessage: '',
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

export function testDeploy(overrides: Partial<DeploySpec> = {}): DeploySpec {
  return { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 0, switch_grace_ms: 0, ...overrides };
}
