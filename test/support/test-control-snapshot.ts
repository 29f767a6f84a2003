import type { App, Release } from '../../src/domain/app.js';
import type { Deployment } from '../../src/domain/deployment.js';
import type { Host } from '../../src/domain/host.js';
import { parseTaskFile } from '../../src/taskfile/parse-task-file.js';
import { type ControlSnapshot, releaseKey } from '../../src/core/control-pass/control-snapshot.js';

/** A release of `app` (in namespace default, group g) with the given count and strategy; for tests. */
export function testRelease(app: string, version: number, over: { count?: number; strategy?: 'rolling' | 'blue-green'; check?: boolean; volumeMib?: number } = {}): Release {
  const check = over.check ? '\n[check]\ntcp = { port = "http" }\n' : '';
  const volume = over.volumeMib ? `\n[[volumes]]\nname = "data"\nsize = "${over.volumeMib}MiB"\npath = "/data"\n` : '';
  const text = `app = "${app}"\ngroup = "g"\ncount = ${over.count ?? 2}\nruntime = "container"\n[[containers]]\nname = "main"\nimage = "r:5000/${app}:${version}"\n[[ports]]\nname = "http"\nport = 80\n[deploy]\nstrategy = "${over.strategy ?? 'rolling'}"\nhealthy_deadline = "60s"\n${check}${volume}`;
  return { appId: `default/${app}`, version, spec: parseTaskFile(text), warnings: [], digests: {}, secretVersions: {}, createdAt: 0 };
}

export function testApp(name: string, over: Partial<App> = {}): App {
  return { id: `default/${name}`, namespace: 'default', name, group: 'g', count: 2, stopped: false, destroying: false, release: 1, overProvision: false, createdAt: 0, updatedAt: 0, ...over };
}

export function testHost(id: string, over: Partial<Host> = {}): Host {
  return {
    id,
    name: id,
    group: 'g',
    address: '10.0.0.1',
    subnet: '10.88.1.0/24',
    capacity: { millicpus: 64_000, memoryMib: 1 << 20, diskMib: 1 << 24 },
    runtimes: [{ name: 'runc', kind: 'container', available: true }],
    labels: {},
    roles: [],
    cordoned: false,
    status: 'ready',
    registeredAt: 0,
    lastHeartbeatAt: 0,
    ...over,
  };
}

export function testDeployment(over: Partial<Deployment> = {}): Deployment {
  return { id: 'd1', appId: 'default/a', fromRelease: 1, fromCount: 2, toRelease: 2, kind: 'deploy', status: 'running', message: '', switchedAt: null, createdAt: 0, updatedAt: 0, ...over };
}

export function testSnapshot(over: Partial<ControlSnapshot> & { releaseList?: Release[] } = {}): ControlSnapshot {
  const { releaseList = [], ...rest } = over;
  return {
    hosts: [],
    apps: [],
    instances: [],
    releases: new Map(releaseList.map((r) => [releaseKey(r.appId, r.version), r])),
    deployments: new Map(),
    blocked: new Map(),
    hostTtlMs: 30_000,
    startedAt: 0,
    failedReplaceDelayMs: 0,
    volumes: [],
    seed: 1,
    ...rest,
  };
}
