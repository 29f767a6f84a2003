import type { App } from '../domain/app.js';
import type { Deployment, DeploymentStatus } from '../domain/deployment.js';
import { type Instance, isServing, isTerminal } from '../domain/instance.js';

/**
 * Pure verdict on a running deployment: done when the target release serves `count` instances
 * (running and passing their health check) and no instance of another release is left; failed
 * when its healthy deadline passed first (the caller then rolls back).
 * Returns null while it is still in progress.
 */
export function evaluateDeployment(
  deployment: Deployment,
  app: App | undefined,
  instances: Instance[],
  healthyDeadlineMs: number,
  now: number,
): { status: DeploymentStatus; message: string } | null {
  if (!app || app.destroying) return { status: 'superseded', message: 'app destroyed' };
  if (app.release !== deployment.toRelease) {
    return { status: 'superseded', message: `superseded by release ${app.release}` };
  }
  const desired = app.stopped ? 0 : app.count;
  const target = instances.filter((i) => i.release === deployment.toRelease && i.desired === 'run');
  const running = target.filter(isServing).length;
  const oldLive = instances.filter((i) => i.release !== deployment.toRelease && !isTerminal(i.state)).length;
  if (running >= desired && oldLive === 0) {
    return { status: 'succeeded', message: `release ${deployment.toRelease} serving ${running}/${desired}` };
  }
  // The deadline is for becoming healthy: once the new release serves in full, draining and
  // stopping the old instances (and a blue-green switch grace) may take as long as they take.
  if (running < desired && now - deployment.createdAt > healthyDeadlineMs) {
    const failures = instances
      .filter((i) => i.release === deployment.toRelease && ((i.state === 'failed' && i.message) || i.healthMessage))
      .sort((a, b) => a.updatedAt - b.updatedAt)
      .map((i) => (i.state === 'failed' && i.message ? i.message : `health check: ${i.healthMessage}`));
    const last = failures.length > 0 ? `; last failure: ${failures[failures.length - 1]}` : '';
    const unhealthy = target.filter((i) => i.state === 'running' && !isServing(i)).length;
    const detail = `${running} serving${unhealthy > 0 ? `, ${unhealthy} running but not healthy` : ''}, ${oldLive} old still live`;
    return {
      status: 'failed',
      message: `release ${deployment.toRelease} did not reach ${desired} healthy within ${Math.round(healthyDeadlineMs / 1000)}s (${detail})${last}`,
    };
  }
  return null;
}
