import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Store } from '../../src/store/store.js';

/**
 * The real store, but every call first yields to the event loop, as a query to a database over
 * the network does. better-sqlite3 answers synchronously, so without this a request's queries
 * often run back to back and concurrent requests never interleave between them; with it, they
 * interleave at every query outside a transaction, which is what a race needs to show.
 */
export function yieldingStore(store: Store): Store {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (key === 'transaction') {
        return async (fn: (tx: Store) => Promise<unknown>) => {
          await nextTurn();
          return target.transaction((tx) => fn(yieldingStore(tx)));
        };
      }
      return async (...args: unknown[]) => {
        await nextTurn();
        return value.apply(target, args);
      };
    },
  });
}
