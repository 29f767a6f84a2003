import { DomainError } from '../errors/domain-error.js';
import type { ClusterView } from '../net/cluster-view.js';
import type { InstanceNetwork, NetworkProvider } from '../net/network-provider.js';

/**
 * The host's network only exists once the server has told the agent its subnet (at
 * registration), but runtimes are built before that. This stands in until `bind` is called.
 */
export class LazyNetwork implements NetworkProvider {
  #target: NetworkProvider | undefined;

  bind(target: NetworkProvider): void {
    this.#target = target;
  }

  get bound(): boolean {
    return this.#target !== undefined;
  }

  #get(): NetworkProvider {
    if (!this.#target) throw new DomainError('network_not_ready', 'the host network is not set up yet: the agent has not registered with the server');
    return this.#target;
  }

  setupHost(): Promise<void> {
    return this.#get().setupHost();
  }
  /** Nothing to undo before the network was bound. */
  async teardownHost(): Promise<void> {
    await this.#target?.teardownHost?.();
  }
  attach(instanceId: string, kind: 'netns' | 'tap', namespace?: string): Promise<InstanceNetwork> {
    return this.#get().attach(instanceId, kind, namespace);
  }
  detach(instanceId: string): Promise<void> {
    return this.#get().detach(instanceId);
  }
  list(): Promise<string[]> {
    return this.#target ? this.#target.list() : Promise.resolve([]);
  }
  /** Before the network is bound there is nothing to route; the host network starts from the last view it is given. */
  async setPeers(view: ClusterView): Promise<string[]> {
    return (await this.#target?.setPeers?.(view)) ?? [];
  }
}
