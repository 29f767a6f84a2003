import type { Deployment } from '../../domain/deployment.js';
import { isServing } from '../../domain/instance.js';
import type { ReconcileApp } from '../../reconciler/reconcile-input.js';
import { replaceAfterMs } from '../../domain/replace-after-ms.js';
import type { DeploySpec } from '../../domain/task-spec.js';
import { type ControlSnapshot, releaseKey } from './control-snapshot.js';

const IDLE_DEPLOY: DeploySpec = { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 300_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 };

/**
 * What the reconciler is told about each app, and which blue-green deployments switch traffic
 * in this pass: those whose whole new set serves (the switch grace starts now). Until the grace
 * is over, the old set is held.
 */
export function planReconcileApps(snapshot: ControlSnapshot, now: number): { apps: ReconcileApp[]; switches: Deployment[] } {
  const apps: ReconcileApp[] = [];
  const switches: Deployment[] = [];
  // Once per pass, not per app: the pass runs every second over every app.
  const withVolumes = new Set(snapshot.volumes.map((v) => v.appId));
  for (const app of snapshot.apps) {
    const release = app.release === null ? undefined : snapshot.releases.get(releaseKey(app.id, app.release));
    const count = app.stopped || app.destroying ? 0 : app.count;
    const deploy = release?.spec.deploy ?? IDLE_DEPLOY;
    let holdOld = false;
    const deployment = snapshot.deployments.get(app.id);
    if (deploy.strategy === 'blue-green' && count > 0 && deployment && deployment.toRelease === app.release) {
      if (deployment.switchedAt === null) {
        const slots = snapshot.instances.filter((i) => i.appId === app.id && i.release === app.release && i.slot < count && isServing(i)).map((i) => i.slot);
        const serving = new Set(slots).size;
        if (serving >= count) switches.push(deployment);
        holdOld = serving < count || deploy.switch_grace_ms > 0;
      } else {
        holdOld = now < deployment.switchedAt + deploy.switch_grace_ms;
      }
    }
    // Volumes of the app's target release, or data it still has: its slots are replaced in place.
    const inPlace = (release?.spec.volumes.length ?? 0) > 0 || withVolumes.has(app.id);
    apps.push({ appId: app.id, release: app.release, count, deploy, holdOld, ...(inPlace ? { inPlace } : {}), ...(release ? { replaceAfterMs: replaceAfterMs(release.spec) } : {}) });
  }
  return { apps, switches };
}
