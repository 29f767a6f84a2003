import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo scale APP N`: changes the instance count of the current release. */
export function registerScale(program: Command, deps: CliDeps): void {
  program
    .command('scale')
    .description('change the number of instances of an app')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .argument('<count>', 'instances wanted')
    .option('--force', 'scale even if the group lacks capacity (over-provision)')
    .action(
      runCommand(deps, async (command, arg: string, countArg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(arg, namespace);
        if (!/^\d+$/.test(countArg)) throw new UsageError(`instance count "${countArg}" must be a whole number, e.g. "bubo scale ${arg} 3"`);
        const force = command.opts<{ force?: boolean }>().force === true;
        const client = await openClient(command, deps);
        const app = await client.call('scaleApp', { params: ref, body: { count: Number(countArg), ...(force ? { force } : {}) } });
        if (json) printJson(deps, app);
        else deps.stdout(`${formatAppRef(ref)}: scaling to ${app.count} instances (${app.running} running now)\n`);
      }),
    );
}
