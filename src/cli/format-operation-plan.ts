import type { OperationPlanView, PlannedBatchView } from '../api/operation-view.js';
import { formatTable } from './format-table.js';

/**
 * The plan `bubo op start` shows before asking: one row per batch with the instances moved away
 * first and the volume-pinned ones stopped (by app, so a wide batch stays one line), then the
 * warnings. A refused plan's reason and fix are not here: the command raises them as its error.
 */
export function formatOperationPlan(plan: OperationPlanView): string {
  const hosts = plan.batches.reduce((sum, b) => sum + b.hosts.length, 0);
  let text = `plan for group ${plan.group}: ${plan.batches.length} batch(es), ${hosts} host(s)\n`;
  if (plan.batches.length > 0) {
    text += formatTable(
      ['BATCH', 'HOSTS', 'MOVES', 'STOPS', 'WHY'],
      plan.batches.map((b, i) => [`${i + 1}/${plan.batches.length}`, b.hosts.join(',') || '-', byApp(b.moves), byApp(b.stops), b.why || '-']),
    );
  }
  for (const warning of plan.warnings) text += `warning: ${warning}\n`;
  return text;
}

/** `3 (shop, db)`: how many instances, of which apps; `-` for none. */
function byApp(items: PlannedBatchView['moves'] | PlannedBatchView['stops']): string {
  if (items.length === 0) return '-';
  return `${items.length} (${[...new Set(items.map((i) => i.app))].join(', ')})`;
}
