export type DeploymentStatus = 'running' | 'succeeded' | 'failed' | 'superseded';

/** The recorded operation that moves an app from one release to another. */
export interface Deployment {
  id: string;
  appId: string;
  fromRelease: number | null;
  toRelease: number;
  status: DeploymentStatus;
  message: string;
  createdAt: number;
  updatedAt: number;
}
