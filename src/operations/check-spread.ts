import type { BatchCheck } from './batch-check.js';

/**
 * Rule 3: a batch of several hosts never holds every instance of an app that has two or more, so
 * that those are not all moved (or stopped) at once. One host holding them all is maintained alone.
 */
export const checkSpread: BatchCheck = (world, batch) => {
  if (batch.size < 2) return null;
  for (const app of world.input.apps) {
    if (app.instances.length < 2 || !app.instances.every((i) => batch.has(i.hostId))) continue;
    return {
      check: 'spread',
      reason: `every instance of ${app.appId} (${app.instances.length}) would be in the batch`,
      fix: `maintain fewer hosts at once, or spread ${app.appId} over more hosts`,
    };
  }
  return null;
};
