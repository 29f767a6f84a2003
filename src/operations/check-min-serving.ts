import { appMinimum } from './app-minimum.js';
import type { BatchCheck } from './batch-check.js';
import { servingDuring } from './serving-during.js';

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Rule 2: every app keeps its minimum of serving instances during the batch. Only pinned apps can
 * lose any (movable ones are replaced before they stop). An app already below its minimum is not
 * blocked on: waiting would not bring it back (the plan warns instead).
 */
export const checkMinServing: BatchCheck = (world, batch) => {
  for (const app of world.input.apps) {
    const min = appMinimum(app);
    if (servingDuring(app, EMPTY) < min) continue;
    const serving = servingDuring(app, batch);
    if (serving >= min) continue;
    return {
      check: 'min serving',
      reason: `${app.appId} would keep ${serving} serving ${serving === 1 ? 'instance' : 'instances'}, below its minimum ${min}`,
      fix: `lower [availability] min_serving of ${app.appId} to ${serving} (now ${min}), or spread its volumes over more hosts`,
    };
  }
  return null;
};
