import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { DomainError } from '../../errors/domain-error.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo destroy APP`: stops every instance and deletes the app, after confirmation. */
export function registerDestroy(program: Command, deps: CliDeps): void {
  program
    .command('destroy')
    .description('stop every instance of an app and delete it')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--volumes', 'also delete the app\'s volumes and their data, once its instances have stopped (by default they are kept: a new deploy of the app finds its data)')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(arg, namespace);
        const name = formatAppRef(ref);
        if (command.opts<{ yes?: boolean }>().yes !== true) {
          if (!deps.interactive) throw new UsageError(`refusing to destroy ${name} without confirmation; pass --yes`);
          if (!(await deps.confirm(`destroy ${name} and stop all its instances? [y/N] `))) {
            throw new DomainError('cancelled', `${name} was not destroyed`);
          }
        }
        const client = await openClient(command, deps);
        const body = await client.call('destroyApp', { params: ref });
        if (command.opts<{ volumes?: boolean }>().volumes !== true) {
          if (json) printJson(deps, body);
          else deps.stdout(`${name}: destroying; its instances stop, then the app is deleted (its volumes are kept: "bubo volume ls ${name}")\n`);
          return;
        }
        // A volume can go only once nothing runs on it: wait until no volume of the app has an instance left.
        if (!json) deps.stdout(`${name}: destroying; waiting for its instances to stop before its volumes are deleted\n`);
        const deadline = Date.now() + 10 * 60_000;
        let volumes = (await client.call('listVolumes', { query: ref })).volumes;
        while (volumes.some((v) => v.instance !== null)) {
          if (Date.now() > deadline) throw new DomainError('timeout', `${name} still has instances after 10 minutes; its volumes were kept (remove them with "bubo volume rm")`);
          await new Promise((resolve) => setTimeout(resolve, 500));
          volumes = (await client.call('listVolumes', { query: ref })).volumes;
        }
        const removed = [];
        for (const v of volumes) removed.push(await client.call('removeVolume', { params: { namespace: v.namespace, app: v.app, name: v.name, slot: v.slot } }));
        if (json) printJson(deps, { ...body, volumes_removed: removed.map((r) => r.id) });
        else deps.stdout(`${name}: destroyed; ${removed.length} volume(s) deleted${removed.length > 0 ? `: ${removed.map((r) => r.id).join(', ')}` : ''}\n`);
      }),
    );
}
