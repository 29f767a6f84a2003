import type { Instance } from '../domain/instance.js';
import { rolloutLimits } from '../reconciler/rollout-limits.js';
import type { DeploySpec } from '../domain/task-spec.js';

/**
 * How many instances of an app's target release the control pass still owes it: room a capacity
 * decision must hold for the app although nothing is placed there yet.
 *
 * `live` are the app's non-terminal instances (any release); those desired to run fill slots, and
 * the owed ones are the slots below `count` with no live instance of `release`. They all count,
 * except in one case: a rolling update whose new instances are no larger than its old ones
 * (`newIsLarger` false). The control pass then places new instances only while live ones stay
 * under `count + max_surge`, and each old one that stops frees room for the next new one, so the
 * app never holds more than `count + max_surge` instances' worth: no more is owed beside what it
 * already holds. A larger new release, or blue-green (which places its whole new set beside the
 * old one), is owed every missing instance.
 */
export function owedInstances(
  count: number,
  release: number,
  deploy: DeploySpec,
  live: readonly Pick<Instance, 'release' | 'slot' | 'desired'>[],
  newIsLarger: boolean,
): number {
  if (count <= 0) return 0;
  const running = live.filter((i) => i.desired === 'run');
  const newSlots = new Set(running.filter((i) => i.release === release && i.slot < count).map((i) => i.slot));
  const missing = count - newSlots.size;
  const old = running.filter((i) => i.release !== release).length;
  if (old === 0 || newIsLarger || deploy.strategy === 'blue-green') return missing;
  const { maxSurge } = rolloutLimits(deploy, count);
  return Math.max(0, Math.min(missing, count + maxSurge - newSlots.size - old));
}
