import type { Instance } from '../domain/instance.js';
import { rolloutLimits } from '../reconciler/rollout-limits.js';
import type { DeploySpec } from '../domain/task-spec.js';

/**
 * How many instances of `release` must fit beside an app's live ones before its rollout can move
 * at all; 0 when it needs no room of its own (nothing old runs, or a rolling update may stop an old
 * instance first, `max_unavailable ≥ 1`).
 *
 * Blue-green keeps the whole old set serving until the whole new set serves, so it needs all of
 * the missing new ones beside the old set. A rolling update with `max_unavailable = 0` (the
 * default) stops no old instance before a new one serves, so it needs one. Anything less and the
 * rollout would stall on an unplaceable instance until its healthy deadline failed it.
 *
 * An app with volumes (`inPlace`) replaces each instance on its own data, the old one stopped
 * first: it never needs room beside itself.
 */
export function rolloutStart(count: number, release: number | null, deploy: DeploySpec, live: readonly Pick<Instance, 'release' | 'slot' | 'desired'>[], inPlace = false): number {
  if (inPlace) return 0;
  const running = live.filter((i) => i.desired === 'run');
  const old = running.filter((i) => i.release !== release).length;
  if (count <= 0 || old === 0) return 0;
  const newSlots = new Set(running.filter((i) => i.release === release && i.slot < count).map((i) => i.slot)).size;
  const missing = count - newSlots;
  if (deploy.strategy === 'blue-green') return missing;
  return rolloutLimits(deploy, count).maxUnavailable === 0 ? Math.min(1, missing) : 0;
}
