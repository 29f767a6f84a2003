import type { DeployResponse } from '../api/deploy-request.js';
import { ConflictError } from '../errors/conflict-error.js';
import type { CoreContext } from './core-context.js';
import { findApp } from './find-app.js';
import { startRelease } from './start-release.js';

/**
 * `bubo restart APP`: a new release of the current one (same spec, same pinned images, the app's
 * current count) with the latest version of each secret it names, rolled out with its own
 * [deploy] settings. How a changed secret reaches a running app without a new task file.
 */
export async function restartApp(ctx: CoreContext, input: { namespace: string; app: string; actor: string }): Promise<DeployResponse> {
  const app = await findApp(ctx.store, input.namespace, input.app);
  if (app.release === null) throw new ConflictError(`app ${app.id} has no release yet; deploy it first`);
  if (app.stopped) throw new ConflictError(`app ${app.id} is stopped; "bubo scale ${app.name} N" or a deploy starts it again`);
  const release = await ctx.releases.get(ctx.store, app.id, app.release);
  return startRelease(ctx, { spec: release.spec, count: app.count, digests: release.digests, force: app.overProvision, actor: input.actor, restartOf: release.version });
}
