import type { App } from '../../domain/app.js';
import type { Deployment } from '../../domain/deployment.js';
import type { BuboEvent } from '../../domain/event.js';
import { type Instance, isServing, isTerminal } from '../../domain/instance.js';
import type { AppPatch } from '../../store/store.js';
import { event } from '../record-event.js';
import { ROLLBACK_ID_PREFIX } from '../rollback-app.js';
import { type ControlSnapshot, releaseKey } from './control-snapshot.js';

const ACTOR = 'system';

/**
 * Takes a failed deployment's app back to `to`. The old release is still serving (nothing was
 * taken away before new instances were healthy), so going back is mostly pointing the app at it
 * again, at the count it ran with (unless someone scaled since the deploy). A deployment of its
 * own (kind `rollback`) tracks the way back, so `bubo status` shows it and the new release's
 * leftovers are replaced at the old release's pace. Its instances that do not serve stop at once,
 * and so does a failed blue-green set (it never served); a blue-green rollback counts as switched
 * from the start, so nothing of the failed release is listed while it stops.
 */
export function planRollback(
  snapshot: ControlSnapshot,
  app: App,
  failed: Deployment,
  to: number,
  instances: readonly Instance[],
  now: number,
  newId: (prefix: string) => string,
): { appPatch: AppPatch; stop: string[]; deployment: Deployment; events: Omit<BuboEvent, 'id'>[] } {
  const failedRelease = snapshot.releases.get(releaseKey(app.id, failed.toRelease))!;
  const target = snapshot.releases.get(releaseKey(app.id, to))!;
  const count = failed.fromCount !== null && app.count === failedRelease.spec.count ? failed.fromCount : app.count;
  const events: Omit<BuboEvent, 'id'>[] = [
    event(now, ACTOR, 'deployment.rolled_back', `${app.id} rolled back from release ${failed.toRelease} to ${to}${count !== app.count ? ` at ${count} instance(s)` : ''}`, {
      appId: app.id,
      data: { deployment: failed.id, from: failed.toRelease, to, count },
    }),
  ];
  // Those that serve in a rolling deploy are replaced at the old release's pace; the rest stop now.
  const stopNow = (i: Instance) => failedRelease.spec.deploy.strategy === 'blue-green' || !isServing(i);
  const leftovers = instances.filter((i) => i.release === failed.toRelease && i.desired === 'run' && !isTerminal(i.state) && stopNow(i));
  if (leftovers.length > 0) {
    events.push(
      event(now, ACTOR, 'instance.stopping', `stopping ${leftovers.length} instance(s) of ${app.id}: release ${failed.toRelease} failed`, {
        appId: app.id,
        data: { instances: leftovers.map((i) => i.id) },
      }),
    );
  }
  const deployment: Deployment = {
    id: newId(`${ROLLBACK_ID_PREFIX}${app.name}`),
    appId: app.id,
    fromRelease: failed.toRelease,
    fromCount: app.count,
    toRelease: to,
    kind: 'rollback',
    status: 'running',
    message: `rolling back to release ${to} after deployment ${failed.id} failed`,
    switchedAt: target.spec.deploy.strategy === 'blue-green' ? now : null,
    createdAt: now,
    updatedAt: now,
  };
  events.push(
    event(now, ACTOR, 'deployment.started', `deployment ${deployment.id}: automatic rollback of ${app.id} from release ${failed.toRelease} to ${to}`, {
      appId: app.id,
      data: { deployment: deployment.id, from: failed.toRelease, to, rollback: true },
    }),
  );
  return { appPatch: { release: to, count, updatedAt: now }, stop: leftovers.map((i) => i.id), deployment, events };
}
