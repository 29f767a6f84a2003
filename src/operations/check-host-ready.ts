import type { BatchCheck } from './batch-check.js';

/** A down host can be neither drained nor checked: its instances' state is unknown. */
export const checkHostReady: BatchCheck = (world, _batch, added) => {
  const host = world.hosts.get(added);
  if (host?.ready) return null;
  const name = host?.name ?? added;
  return {
    check: 'down',
    reason: `${name} is down (no heartbeats)`,
    fix: `bring ${name} back (start its agent, check its network), or leave it out with --hosts`,
  };
};
