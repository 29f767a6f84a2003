import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { failIfFailed, followDeployment } from '../follow-deployment.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/** `bubo restart APP [--wait]`: a new release of the current one, with the latest secret versions, rolled out. */
export function registerRestart(program: Command, deps: CliDeps): void {
  program
    .command('restart')
    .description('replace every instance of an app with a new release of its current one (same task, same images, the latest version of each secret), the way a deploy does')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .option('--wait', 'follow the rollout until it succeeds or fails')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(arg, namespace);
        const client = await openClient(command, deps);
        const answer = await client.call('restartApp', { params: ref });
        if (!json) {
          deps.stdout(`${formatAppRef(ref)}: restarting as release ${answer.release} (of release ${answer.deployment.from_release}), deployment ${answer.deployment.id}\n`);
          for (const warning of answer.warnings) deps.stdout(`warning: ${warning}\n`);
        }
        const deployment = (command.opts<{ wait?: boolean }>().wait) ? await followDeployment(client, deps, answer.deployment, json) : answer.deployment;
        if (json) printJson(deps, { ...answer, deployment });
        failIfFailed(deps, deployment, json);
      }),
    );
}
