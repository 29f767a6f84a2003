import type { DeploymentView } from '../../api/deployment-view.js';
import type { App } from '../../domain/app.js';
import type { Deployment } from '../../domain/deployment.js';
import { type Instance, isServing, isTerminal } from '../../domain/instance.js';

export function toDeploymentView(deployment: Deployment, app: App, instances: Instance[]): DeploymentView {
  const live = instances.filter((i) => i.desired === 'run' && !isTerminal(i.state));
  const target = live.filter((i) => i.release === deployment.toRelease);
  return {
    id: deployment.id,
    app: app.name,
    namespace: app.namespace,
    from_release: deployment.fromRelease,
    to_release: deployment.toRelease,
    status: deployment.status,
    message: deployment.message,
    progress: {
      desired: app.stopped || app.destroying ? 0 : app.count,
      started: target.length,
      running: target.filter((i) => i.state === 'running').length,
      healthy: target.filter(isServing).length,
      old_live: instances.filter((i) => i.release !== deployment.toRelease && !isTerminal(i.state)).length,
    },
    switched_at: deployment.switchedAt === null ? null : new Date(deployment.switchedAt).toISOString(),
    created_at: new Date(deployment.createdAt).toISOString(),
    updated_at: new Date(deployment.updatedAt).toISOString(),
  };
}
