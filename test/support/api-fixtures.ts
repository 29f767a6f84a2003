import type { AppStatus } from '../../src/api/app-status.js';
import type { DeploymentView } from '../../src/api/deployment-view.js';
import type { HostView } from '../../src/api/host-view.js';

/** API bodies for CLI tests, valid against the route schemas; override what a test is about. */
export function deploymentView(over: Partial<DeploymentView> = {}): DeploymentView {
  return {
    id: 'dep-1',
    app: 'shop',
    namespace: 'default',
    from_release: 2,
    to_release: 3,
    status: 'running',
    message: '',
    progress: { desired: 3, started: 3, running: 2, healthy: 2, old_live: 1 },
    switched_at: null,
    created_at: '2024-05-01T11:59:00Z',
    updated_at: '2024-05-01T11:59:30Z',
    ...over,
  };
}

export function appStatus(over: Partial<AppStatus> = {}): AppStatus {
  return {
    name: 'shop',
    namespace: 'default',
    group: 'web',
    release: 3,
    desired: 3,
    running: 2,
    healthy: 1,
    count: 3,
    stopped: false,
    destroying: false,
    deployment: deploymentView(),
    instances: [
      { id: 'shop-a1', host: 'h1', release: 3, slot: 0, desired: 'run', state: 'running', address: '10.88.1.2', message: '', health: 'healthy', health_message: '' },
      { id: 'shop-b2', host: 'h2', release: 3, slot: 1, desired: 'run', state: 'starting', address: null, message: 'pulling image', health: 'unknown', health_message: '' },
    ],
    ...over,
  };
}

export function hostView(over: Partial<HostView> = {}): HostView {
  return {
    id: 'host-1',
    name: 'h1',
    group: 'web',
    address: '192.168.1.10',
    subnet: '10.88.1.0/24',
    status: 'ready',
    cordoned: false,
    runtimes: [
      { name: 'firecracker', kind: 'microvm', available: true },
      { name: 'qemu', kind: 'microvm', available: false, reason: 'no KVM' },
    ],
    labels: {},
    roles: [],
    cpus: { allocated: 2.5, total: 8 },
    memory_mib: { allocated: 1536, total: 16384 },
    disk_mib: { allocated: 512, total: 102400 },
    overcommit: 0.31,
    instances: 3,
    last_heartbeat_at: '2024-05-01T11:59:58Z',
    ...over,
  };
}
