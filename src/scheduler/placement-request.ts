import type { Resources } from '../domain/resources.js';
import type { RuntimeKind } from '../domain/runtime-kind.js';

/** `count` instances of one app, each needing `resources`, inside one host group. */
export interface PlacementRequest {
  appId: string;
  group: string;
  runtime: RuntimeKind;
  /** Per instance. */
  resources: Resources;
  count: number;
  /**
   * The instance is of a slot whose volumes exist: only that host may take it (and it says so
   * when it cannot: down, cordoned, full).
   */
  pinnedTo?: { hostId: string; hostName: string; slot: number };
}
