import type { DeploymentView } from '../api/deployment-view.js';
import type { ApiClient } from '../client/api-client.js';
import { DomainError } from '../errors/domain-error.js';
import type { CliDeps } from './cli-deps.js';

const POLL_MS = 500;

/**
 * `--wait` for `bubo deploy` and `bubo rollback`: prints a progress line whenever it changes
 * (unless `json`), until the deployment ends, and returns the final view.
 */
export async function followDeployment(client: ApiClient, deps: CliDeps, start: DeploymentView, json: boolean): Promise<DeploymentView> {
  let deployment = start;
  let last = '';
  while (deployment.status === 'running') {
    const line = progressLine(deployment);
    if (line !== last && !json) deps.stdout(`${line}\n`);
    last = line;
    await deps.sleep(POLL_MS);
    deployment = await client.call('getDeployment', { params: { id: deployment.id } });
  }
  if (!json) deps.stdout(`${endLine(deployment)}\n`);
  return deployment;
}

/** A failed deployment (rolled back) makes the command fail: exit code 1, the reason on stderr. */
export function failIfFailed(deps: CliDeps, deployment: DeploymentView, json: boolean): void {
  if (deployment.status !== 'failed') return;
  if (json) deps.setExitCode(1);
  else throw new DomainError('deployment_failed', endLine(deployment), { deployment });
}

/** `release 3: 3/3 started, 2/3 healthy, 1 old still live` (`, traffic switched` for blue-green). */
export function progressLine(d: DeploymentView): string {
  const p = d.progress;
  const old = p.old_live > 0 ? `, ${p.old_live} old still live` : '';
  const switched = d.switched_at ? ', traffic switched' : '';
  return `release ${d.to_release}: ${p.started}/${p.desired} started, ${p.healthy}/${p.desired} healthy${switched}${old}`;
}

function endLine(d: DeploymentView): string {
  return `release ${d.to_release}: ${d.status}${d.message ? `: ${d.message}` : ''}`;
}
