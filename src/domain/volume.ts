/**
 * A volume: the data of one instance slot of an app (`data` of `postgres` slot 0), on one host.
 * Created (as a record) when the slot is first placed; from then on the slot is pinned to
 * `hostId`: every later instance of that slot runs there, on the same data. The agent creates the
 * filesystem on first start and grows it when `sizeMib` grows.
 */
export interface Volume {
  /** `<namespace>.<app>.<name>.<slot>` (`volumeId`): the same on the server and on the host. */
  id: string;
  appId: string;
  /** The task file's `[[volumes]] name`. */
  name: string;
  slot: number;
  hostId: string;
  sizeMib: number;
  createdAt: number;
}

/** Names are DNS labels (the task file checks them), so dots separate the parts unambiguously. */
export function volumeId(namespace: string, app: string, name: string, slot: number): string {
  return `${namespace}.${app}.${name}.${slot}`;
}
