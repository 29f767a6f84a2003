import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DeploymentView } from '../../api/deployment-view.js';
import { DomainError } from '../../errors/domain-error.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

const POLL_MS = 500;

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
        let deployment = answer.deployment;
        if (wait) {
          let last = '';
          while (deployment.status === 'running') {
            const line = progressLine(deployment);
            if (line !== last && !json) deps.stdout(`${line}\n`);
            last = line;
            await deps.sleep(POLL_MS);
            deployment = await client.call('getDeployment', { params: { id: deployment.id } });
          }
          if (!json) deps.stdout(`${endLine(deployment)}\n`);
        }
        if (json) printJson(deps, { ...answer, deployment });
        if (deployment.status === 'failed') {
          const error = new DomainError('deployment_failed', endLine(deployment), { deployment });
          if (json) deps.setExitCode(1);
          else throw error;
        }
      }),
    );
}

/** `release 3: 2/3 running, 1 old still live` */
export function progressLine(d: DeploymentView): string {
  const old = d.progress.old_live > 0 ? `, ${d.progress.old_live} old still live` : '';
  return `release ${d.to_release}: ${d.progress.running}/${d.progress.desired} running${old}`;
}

function endLine(d: DeploymentView): string {
  return `release ${d.to_release}: ${d.status}${d.message ? `: ${d.message}` : ''}`;
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
