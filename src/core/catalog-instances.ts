import type { Deployment } from '../domain/deployment.js';
import { type Instance, isServing } from '../domain/instance.js';
import type { DeploySpec } from '../domain/task-spec.js';

/**
 * Which of an app's instances receive traffic (DNS answers and load-balancer upstreams): those
 * serving (running and healthy, or running without a check) that have an address.
 *
 * A blue-green deployment switches traffic in one step: until every new instance serves, only
 * the old release is listed; from the switch on, only the new one (the old set keeps running out
 * of traffic for the switch grace). With nothing old serving there is nothing to protect, so the
 * new instances are listed as they come.
 */
export function catalogInstances(instances: readonly Instance[], deployment: Deployment | undefined, deploy: DeploySpec): Instance[] {
  const serving = instances.filter((i) => isServing(i) && i.address !== null);
  if (!deployment || deployment.status !== 'running' || deploy.strategy !== 'blue-green') return serving;
  const isNew = (i: Instance) => i.release === deployment.toRelease;
  if (deployment.switchedAt !== null) {
    // After the switch the new set serves; should all of it fail during the grace, the old set
    // (still running) is better than nothing.
    const fresh = serving.filter(isNew);
    return fresh.length > 0 ? fresh : serving;
  }
  const old = serving.filter((i) => !isNew(i));
  return old.length > 0 ? old : serving;
}
