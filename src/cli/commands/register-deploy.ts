import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DomainError } from '../../errors/domain-error.js';
import type { CliDeps } from '../cli-deps.js';
import { failIfFailed, followDeployment } from '../follow-deployment.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/**
 * `bubo deploy [FILE]`: sends the task file's text to the server, which validates it, stores a
 * release and starts a deployment. `--wait` follows the deployment until it ends.
 */
export function registerDeploy(program: Command, deps: CliDeps): void {
  program
    .command('deploy')
    .description('deploy a task file as a new release')
    .argument('[file]', 'task file', 'bubo.toml')
    .option('--force', 'deploy even if the group lacks capacity (over-provision)')
    .option('--wait', 'follow the deployment until it succeeds or fails')
    .action(
      runCommand(deps, async (command, file: string) => {
        const { force, wait } = command.opts<{ force?: boolean; wait?: boolean }>();
        const json = globalOptions(command).json;
        const task = await readTaskFile(deps, file);
        const client = await openClient(command, deps);
        const answer = await client.call('deploy', { body: { task, filename: file, ...(force ? { force: true } : {}) } });
        if (!json) {
          const d = answer.deployment;
          deps.stdout(`${answer.namespace}/${answer.app}: release ${answer.release}, deployment ${d.id} (${d.status})\n`);
          for (const warning of answer.warnings) deps.stdout(`warning: ${warning}\n`);
        }
        const deployment = wait ? await followDeployment(client, deps, answer.deployment, json) : answer.deployment;
        if (json) printJson(deps, { ...answer, deployment });
        failIfFailed(deps, deployment, json);
      }),
    );
}

async function readTaskFile(deps: CliDeps, file: string): Promise<string> {
  try {
    return await deps.readFile(resolve(deps.cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new DomainError('not_found', `cannot read task file ${file}: ${reason}; pass its path, e.g. "bubo deploy path/to/bubo.toml"`);
  }
}
