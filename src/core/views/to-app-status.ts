import type { AppStatus } from '../../api/app-status.js';
import type { App } from '../../domain/app.js';
import type { Deployment } from '../../domain/deployment.js';
import { type Instance, isServing } from '../../domain/instance.js';
import { toDeploymentView } from './to-deployment-view.js';

/** `instances` are the app's instances the store still holds (live ones and recently ended ones). */
export function toAppStatus(
  app: App,
  instances: Instance[],
  hostNames: ReadonlyMap<string, string>,
  deployment: Deployment | undefined,
): AppStatus {
  const sorted = [...instances].sort((a, b) => a.slot - b.slot || a.createdAt - b.createdAt);
  return {
    name: app.name,
    namespace: app.namespace,
    group: app.group,
    release: app.release,
    desired: app.stopped || app.destroying ? 0 : app.count,
    running: instances.filter((i) => i.state === 'running' && i.desired === 'run').length,
    healthy: instances.filter(isServing).length,
    count: app.count,
    stopped: app.stopped,
    destroying: app.destroying,
    deployment: deployment ? toDeploymentView(deployment, app, instances) : null,
    instances: sorted.map((i) => ({
      id: i.id,
      host: hostNames.get(i.hostId) ?? i.hostId,
      release: i.release,
      slot: i.slot,
      desired: i.desired,
      state: i.state,
      address: i.address,
      message: i.message,
      health: i.health,
      health_message: i.healthMessage,
    })),
  };
}
