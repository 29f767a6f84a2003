import type { TaskSpec } from './task-spec.js';

/** An app is identified by namespace and name; its id is `namespace/name`. */
export interface App {
  id: string;
  namespace: string;
  name: string;
  group: string;
  /** Instances wanted while the app is not stopped. */
  count: number;
  /** `bubo stop` keeps the app and its releases but runs nothing. */
  stopped: boolean;
  /** `bubo destroy` marks the app; it is deleted once no instance of it is live. */
  destroying: boolean;
  /** Release the app should be running; null before the first deploy. */
  release: number | null;
  /**
   * The user accepted over-provisioning (`deploy --force`, `scale --force`): the control loop may
   * then place replacements beyond the group's capacity. Without it, what does not fit waits.
   */
  overProvision: boolean;
  createdAt: number;
  updatedAt: number;
}

export function appId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Immutable, numbered version of an app's task definition. */
export interface Release {
  appId: string;
  version: number;
  spec: TaskSpec;
  /** Over-provisioning and similar warnings recorded when the release was created. */
  warnings: string[];
  /**
   * Container name → image manifest digest, recorded once from the first instance that started
   * (`{}` until then). Instances placed afterwards pull by digest: one release, the same bytes.
   */
  digests: Record<string, string>;
  /** Secret name → the version this release runs (every secret its spec names). */
  secretVersions: Record<string, number>;
  createdAt: number;
}
