import type { App } from '../../domain/app.js';
import type { Deployment } from '../../domain/deployment.js';
import type { BuboEvent } from '../../domain/event.js';
import type { Instance } from '../../domain/instance.js';
import type { AppPatch, DeploymentPatch } from '../../store/store.js';
import { evaluateDeployment } from '../evaluate-deployment.js';
import { event } from '../record-event.js';
import { type ControlSnapshot, releaseKey } from './control-snapshot.js';
import { planRollback } from './plan-rollback.js';

const ACTOR = 'system';

export interface Settlement {
  deploymentUpdates: { id: string; patch: DeploymentPatch }[];
  appUpdates: { id: string; patch: AppPatch }[];
  newDeployments: Deployment[];
  /** Instances to tell to stop (a failed release's leftovers). */
  stop: string[];
  deleteApps: string[];
  events: Omit<BuboEvent, 'id'>[];
  assignmentsChanged: boolean;
  catalogChanged: boolean;
}

/**
 * Verdicts on running deployments (done, failed → rolled back, superseded) and deletion of
 * destroyed apps that have nothing left running. `after` is every instance as it will be once
 * this pass's reconciler plan is written (lost, stopped and placed ones included).
 */
export function planSettlement(snapshot: ControlSnapshot, after: readonly Instance[], now: number, newId: (prefix: string) => string): Settlement {
  const out: Settlement = { deploymentUpdates: [], appUpdates: [], newDeployments: [], stop: [], deleteApps: [], events: [], assignmentsChanged: false, catalogChanged: false };
  const byApp = new Map<string, Instance[]>();
  for (const i of after) {
    const list = byApp.get(i.appId);
    if (list) list.push(i);
    else byApp.set(i.appId, [i]);
  }
  for (const app of snapshot.apps) {
    const deployment = snapshot.deployments.get(app.id);
    if (!deployment && !app.destroying) continue;
    const instances = byApp.get(app.id) ?? [];
    if (deployment) settleDeployment(snapshot, app, deployment, instances, now, newId, out);
    if (app.destroying && instances.every((i) => i.state === 'stopped' || i.state === 'failed' || i.state === 'lost')) {
      out.deleteApps.push(app.id);
      out.catalogChanged = true;
      out.events.push(event(now, ACTOR, 'app.destroyed', `${app.id} destroyed`, { appId: app.id }));
    }
  }
  return out;
}

function settleDeployment(snapshot: ControlSnapshot, app: App, deployment: Deployment, instances: Instance[], now: number, newId: (prefix: string) => string, out: Settlement): void {
  const release = snapshot.releases.get(releaseKey(app.id, deployment.toRelease));
  if (!release) return;
  const verdict = evaluateDeployment(deployment, app, instances, release.spec.deploy.healthy_deadline_ms, now);
  if (!verdict) return;
  const rollBackTo = verdict.status === 'failed' ? rollbackTarget(snapshot, deployment) : null;
  const message = rollBackTo === null ? verdict.message : `${verdict.message}; rolled back to release ${rollBackTo}`;
  out.deploymentUpdates.push({ id: deployment.id, patch: { status: verdict.status, message, updatedAt: now } });
  out.events.push(
    event(now, ACTOR, `deployment.${verdict.status}`, `deployment ${deployment.id} ${verdict.status}: ${message}`, {
      appId: app.id,
      data: { deployment: deployment.id, release: deployment.toRelease },
    }),
  );
  if (rollBackTo === null) return;
  const rollback = planRollback(snapshot, app, deployment, rollBackTo, instances, now, newId);
  out.appUpdates.push({ id: app.id, patch: rollback.appPatch });
  out.stop.push(...rollback.stop);
  out.newDeployments.push(rollback.deployment);
  out.events.push(...rollback.events);
  out.assignmentsChanged ||= rollback.stop.length > 0;
  out.catalogChanged = true;
}

/**
 * Where a failed deployment goes back to: the release it came from, if it still exists. A failed
 * rollback (`bubo rollback` or an automatic one) is not undone: that would bring back the release
 * the user, or the last verdict, moved away from.
 */
export function rollbackTarget(snapshot: ControlSnapshot, deployment: Deployment): number | null {
  if (deployment.fromRelease === null || deployment.fromRelease === deployment.toRelease) return null;
  if (deployment.kind === 'rollback') return null;
  return snapshot.releases.has(releaseKey(deployment.appId, deployment.fromRelease)) ? deployment.fromRelease : null;
}
