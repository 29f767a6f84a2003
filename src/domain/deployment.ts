export type DeploymentStatus = 'running' | 'succeeded' | 'failed' | 'superseded';

/**
 * `deploy`: `bubo deploy` (or a scale-free redeploy); `rollback`: `bubo rollback` or the automatic
 * one after a failed deploy. A failed rollback is not rolled back again.
 */
export type DeploymentKind = 'deploy' | 'rollback';

/** The recorded operation that moves an app from one release to another. */
export interface Deployment {
  id: string;
  appId: string;
  fromRelease: number | null;
  /** The app's instance count before this deployment (null for its first): what a rollback restores. */
  fromCount: number | null;
  toRelease: number;
  kind: DeploymentKind;
  status: DeploymentStatus;
  message: string;
  /**
   * Blue-green only: when every new instance was serving and the load balancer and DNS switched
   * to the new set together; the old set is stopped `switch_grace` later. Null before.
   */
  switchedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
