import type { ReleaseList } from '../api/release-view.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { toReleaseView } from './views/to-release-view.js';

export async function listReleases(ctx: CoreContext, namespace: string, name: string): Promise<ReleaseList> {
  const app = await findApp(ctx.store, namespace, name);
  const releases = await ctx.store.listReleases(app.id);
  return { app: app.name, namespace: app.namespace, releases: releases.map((r) => toReleaseView(r, app.release)) };
}
