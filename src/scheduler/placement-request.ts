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
}
