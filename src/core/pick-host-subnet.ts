import type { Store } from '../store/store.js';
import { allocateSubnet } from './allocate-subnet.js';

/**
 * The subnet for a host registering for the first time: the /24 after the last one handed out
 * (a counter), or the first free one from there when that is taken (the range wrapped, or a
 * removed host's subnet comes back). Reading one column instead of every host keeps 10,000
 * registrations from costing 50 million row reads.
 */
export async function pickHostSubnet(tx: Store, clusterCidr: string): Promise<string> {
  const next = await tx.incrementCounter('subnet:next');
  const subnet = allocateSubnet(clusterCidr, new Set(await tx.listHostSubnets()), next);
  return subnet;
}
