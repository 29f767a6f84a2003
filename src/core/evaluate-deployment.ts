import type { App } from '../domain/app.js';
import type { Deployment, DeploymentStatus } from '../domain/deployment.js';
import { type Instance, isTerminal } from '../domain/instance.js';

/**
 * Pure verdict on a running deployment: done when the target release runs `count` instances and
 * no instance of another release is left; failed when its healthy deadline passed first.
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
  const running = instances.filter(
    (i) => i.release === deployment.toRelease && i.desired === 'run' && i.state === 'running',
  ).length;
  const oldLive = instances.filter((i) => i.release !== deployment.toRelease && !isTerminal(i.state)).length;
  if (running >= desired && oldLive === 0) {
    return { status: 'succeeded', message: `release ${deployment.toRelease} running ${running}/${desired}` };
  }
  if (now - deployment.createdAt > healthyDeadlineMs) {
    const failures = instances
      .filter((i) => i.release === deployment.toRelease && i.state === 'failed' && i.message)
      .map((i) => i.message);
    const last = failures.length > 0 ? `; last failure: ${failures[failures.length - 1]}` : '';
    return {
      status: 'failed',
      message: `release ${deployment.toRelease} did not reach ${desired} running within ${Math.round(healthyDeadlineMs / 1000)}s (${running} running, ${oldLive} old still live)${last}`,
    };
  }
  return null;
}
