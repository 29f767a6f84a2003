import type { Command } from 'commander';
import { ApiError } from '../../client/api-error.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { positiveSeconds } from '../positive-seconds.js';
import { runCommand } from '../run-command.js';
import { waitHostDrained } from '../wait-host-drained.js';

/**
 * `bubo host remove HOST [--force]`: drain (cordon; the control loop replaces its instances on
 * other hosts), wait with progress until none is left on the host, then remove it; its
 * certificate stops working at once. `--force` removes it now: its instances are lost and
 * replaced on other hosts of the group.
 */
export function registerHostRemove(host: Command, deps: CliDeps): void {
  host
    .command('remove')
    .description('remove a host: drains it first (cordon, wait for its instances to go) unless --force; its certificate stops working at once')
    .argument('<host>', 'host name')
    .option('--force', 'remove now, with its instances (they are replaced on other hosts of the group)')
    .option('--timeout <seconds>', 'how long to wait for the host to drain', '600')
    .action(
      runCommand(deps, async (command, name: string) => {
        const o = command.opts<{ force?: boolean; timeout: string }>();
        const client = await openClient(command, deps);
        const json = globalOptions(command).json;
        const timeoutS = positiveSeconds('--timeout', o.timeout);
        if (!o.force) {
          await client.call('drainHost', { params: { host: name } }).catch((error: unknown) => {
            // A machine that joined but never registered has no host row to cordon: nothing to drain.
            if (!(error instanceof ApiError && error.status === 404)) throw error;
          });
          await waitHostDrained(client, deps, name, timeoutS, json, 'pass --force to remove it with them');
        }
        const removed = await client.call('removeHost', { params: { host: name }, query: { force: o.force ? 'true' : 'false' } });
        if (json) printJson(deps, removed);
        else deps.stdout(`host ${removed.host} removed${removed.instances > 0 ? ` (${removed.instances} instance(s) on it will be replaced elsewhere)` : ''}; its certificate no longer works\n`);
      }),
    );
}
