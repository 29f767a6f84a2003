import { SimulatedCrash } from './simulated-crash.js';

/**
 * Awaits both; then throws the first failure (a SimulatedCrash first), or returns both values.
 * A start runs its network attach and its image pulls side by side: both must have settled before
 * a failure is thrown, so nothing is still attaching while the cleanup after it runs.
 */
export async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  const failures = [ra, rb].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const failure = failures.find((f) => f instanceof SimulatedCrash) ?? failures[0];
  if (failures.length > 0) throw failure;
  return [(ra as PromiseFulfilledResult<A>).value, (rb as PromiseFulfilledResult<B>).value];
}
