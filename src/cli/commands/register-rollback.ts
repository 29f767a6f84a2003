import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { failIfFailed, followDeployment } from '../follow-deployment.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { formatAppRef, parseAppRef } from '../parse-app-ref.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo rollback APP [--to N] [--wait]`: deploys an earlier release again (the previous one by default). */
export function registerRollback(program: Command, deps: CliDeps): void {
  program
    .command('rollback')
    .description('return an app to an earlier release (the previous one unless --to)')
    .argument('<app>', 'APP or NAMESPACE/APP')
    .option('--to <release>', 'release number to return to (see "bubo releases APP")')
    .option('--wait', 'follow the rollback until it succeeds or fails')
    .action(
      runCommand(deps, async (command, arg: string) => {
        const { json, namespace } = globalOptions(command);
        const ref = parseAppRef(arg, namespace);
        const { to, wait } = command.opts<{ to?: string; wait?: boolean }>();
        if (to !== undefined && !/^[1-9]\d*$/.test(to)) throw new UsageError(`--to "${to}" must be a release number, e.g. "bubo rollback ${arg} --to 3"`);
        const client = await openClient(command, deps);
        const answer = await client.call('rollbackApp', { params: ref, body: to === undefined ? {} : { to: Number(to) } });
        if (!json) {
          const d = answer.deployment;
          deps.stdout(`${formatAppRef(ref)}: rolling back from release ${d.from_release} to ${answer.release}, deployment ${d.id}\n`);
          for (const warning of answer.warnings) deps.stdout(`warning: ${warning}\n`);
        }
        const deployment = wait ? await followDeployment(client, deps, answer.deployment, json) : answer.deployment;
        if (json) printJson(deps, { ...answer, deployment });
        failIfFailed(deps, deployment, json);
      }),
    );
}
