import type { AppStatus } from '../../api/app-status.js';
import { formatTable } from '../format-table.js';

/** The apps table of `bubo status`. */
export function formatApps(apps: AppStatus[]): string {
  return formatTable(
    ['NAMESPACE/APP', 'RELEASE', 'DESIRED', 'RUNNING', 'HEALTHY', 'GROUP', 'DEPLOYMENT'],
    apps.map((a) => [
      `${a.namespace}/${a.name}`,
      a.release ?? '-',
      a.destroying ? `${a.desired} (destroying)` : a.stopped ? `${a.desired} (stopped)` : a.desired,
      a.running,
      a.healthy,
      a.group,
      deploymentCell(a),
    ]),
  );
}

/** The instances table of `bubo status APP`. */
export function formatInstances(app: AppStatus): string {
  return formatTable(
    ['ID', 'HOST', 'RELEASE', 'STATE', 'HEALTH', 'ADDRESS', 'MESSAGE'],
    app.instances.map((i) => [
      i.id,
      i.host,
      i.release,
      i.desired === 'stop' && i.state === 'running' ? 'running (stopping)' : i.state,
      i.state === 'running' ? i.health : '-',
      i.address ?? '-',
      i.message || (i.state === 'running' && i.health !== 'healthy' ? i.health_message : '') || '-',
    ]),
  );
}

function deploymentCell(app: AppStatus): string {
  const d = app.deployment;
  if (!d) return '-';
  if (d.status !== 'running') return `${d.status} (release ${d.to_release})`;
  return `running ${d.progress.healthy}/${d.progress.desired} healthy (release ${d.to_release})`;
}
