import type { DeploymentView } from '../api/deployment-view.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { CoreContext } from './core-context.js';
import { toDeploymentView } from './views/to-deployment-view.js';

export async function getDeployment(ctx: CoreContext, id: string): Promise<DeploymentView> {
  const deployment = await ctx.store.getDeployment(id);
  const app = deployment ? await ctx.store.getApp(deployment.appId) : undefined;
  if (!deployment || !app) throw new NotFoundError('deployment', id);
  return toDeploymentView(deployment, app, await ctx.store.listInstances({ appId: app.id }));
}
