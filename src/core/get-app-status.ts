import type { AppStatus, AppStatusList } from '../api/app-status.js';
import type { App } from '../domain/app.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { toAppStatus } from './views/to-app-status.js';

export async function getAppStatus(ctx: CoreContext, namespace: string, name: string): Promise<AppStatus> {
  const app = await findApp(ctx.store, namespace, name);
  return statusOf(ctx, app, await hostNames(ctx));
}

export async function listAppStatus(ctx: CoreContext, namespace?: string): Promise<AppStatusList> {
  const [apps, names] = await Promise.all([ctx.store.listApps(), hostNames(ctx)]);
  const chosen = apps
    .filter((a) => namespace === undefined || a.namespace === namespace)
    .sort((a, b) => a.id.localeCompare(b.id));
  return { apps: await Promise.all(chosen.map((app) => statusOf(ctx, app, names))) };
}

async function statusOf(ctx: CoreContext, app: App, names: ReadonlyMap<string, string>): Promise<AppStatus> {
  const [instances, deployments] = await Promise.all([
    ctx.store.listInstances({ appId: app.id }),
    ctx.store.listDeployments(app.id),
  ]);
  return toAppStatus(app, instances, names, deployments[0]);
}

export async function hostNames(ctx: CoreContext): Promise<Map<string, string>> {
  return new Map((await ctx.store.listHosts()).map((h) => [h.id, h.name]));
}
