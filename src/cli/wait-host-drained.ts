import { ApiError } from '../client/api-error.js';
import type { ApiClient } from '../client/api-client.js';
import type { CliDeps } from './cli-deps.js';

const POLL_MS = 2_000;

/**
 * Waits, with a progress line whenever the count changes, until host `name` holds no instance
 * (the control loop replaces a draining host's instances on other hosts of its group, one per
 * app at a time). A host that does not exist (any more) counts as drained. Throws a conflict
 * naming what is left after `timeoutS`.
 */
export async function waitHostDrained(client: ApiClient, deps: CliDeps, name: string, timeoutS: number, quiet: boolean, ifStuck: string): Promise<void> {
  const deadline = deps.now() + timeoutS * 1000;
  let last = -1;
  for (;;) {
    const view = (await client.call('listHosts')).hosts.find((h) => h.name === name);
    const count = view?.instances ?? 0;
    if (count === 0) return;
    if (count !== last && !quiet) deps.stderr(`host ${name} draining: ${count} instance(s) left, replaced on other hosts of group ${view!.group} one per app at a time\n`);
    last = count;
    if (deps.now() > deadline) {
      throw new ApiError(409, 'conflict', `host ${name} still holds ${count} instance(s) after ${timeoutS} s (is there room for them elsewhere in the group? see "bubo events --host ${name}"); ${ifStuck}`);
    }
    await deps.sleep(POLL_MS);
  }
}
