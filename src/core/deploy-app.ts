import type { DeployResponse } from '../api/deploy-request.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { parseTaskFile } from '../taskfile/parse-task-file.js';
import { suggestKey } from '../taskfile/suggest-key.js';
import type { CoreContext } from './core-context.js';
import { startRelease } from './start-release.js';

export interface DeployInput {
  task: string;
  filename?: string | undefined;
  force?: boolean | undefined;
  actor: string;
}

/**
 * Validates a task file, checks its group exists, and records a new release plus the deployment
 * that moves the app to it (`startRelease`). Placing instances is the control loop's job; this
 * only records intent.
 */
export async function deployApp(ctx: CoreContext, input: DeployInput): Promise<DeployResponse> {
  const spec = parseTaskFile(input.task, input.filename ?? 'bubo.toml');
  const groups = await ctx.store.listGroups();
  if (!groups.includes(spec.group)) {
    const near = suggestKey(spec.group, groups);
    const hint = near
      ? `did you mean "${near}"?`
      : groups.length > 0
        ? `known groups: ${groups.join(', ')}`
        : 'no host has registered yet; start "bubo agent --group NAME" on a server first';
    throw new NotFoundError('group', spec.group, hint);
  }
  return startRelease(ctx, { spec, count: spec.count, digests: {}, force: input.force === true, actor: input.actor, restartOf: null });
}
