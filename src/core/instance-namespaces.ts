import { compareIpv4 } from '../domain/compare-ipv4.js';
import { type Instance, isTerminal } from '../domain/instance.js';

/**
 * The address of every live instance that has one, by bubo namespace, addresses sorted: each
 * host's nftables allow-list (only instances of a namespace may connect to its instances).
 * Serving or not: an instance that has not passed its check yet already talks to its peers.
 */
export function instanceNamespaces(instances: readonly Pick<Instance, 'appId' | 'address' | 'state'>[]): Record<string, string[]> {
  const byNamespace = new Map<string, Set<string>>();
  for (const instance of instances) {
    if (instance.address === null || isTerminal(instance.state)) continue;
    // App ids are `namespace/name`; namespaces hold no `/`.
    const namespace = instance.appId.slice(0, instance.appId.indexOf('/'));
    const set = byNamespace.get(namespace) ?? new Set<string>();
    set.add(instance.address);
    byNamespace.set(namespace, set);
  }
  return Object.fromEntries([...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([ns, set]) => [ns, [...set].sort(compareIpv4)]));
}
