import type { Command } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { formatTable } from '../format-table.js';
import { globalOptions } from '../global-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/**
 * `bubo secret set|ls|rm`: the secrets of a namespace. The value of `set` comes from stdin or
 * `--from-file`, never an argument (it would land in shell history and in `ps`).
 */
export function registerSecret(program: Command, deps: CliDeps): void {
  const secret = program.command('secret').description('secrets of a namespace (-n, default "default"), delivered to the instances whose task names them');
  secret
    .command('set')
    .description('store a new version of a secret; the value is read from stdin (or --from-file), never from an argument. Running apps keep their version until "bubo restart APP" or a deploy')
    .argument('<name>', 'secret name, as tasks name it (letters, digits and "_")')
    .option('--from-file <path>', 'read the value from this file, byte for byte (UTF-8 text)')
    .action(
      runCommand(deps, async (command, name: string) => {
        const { json, namespace = 'default' } = globalOptions(command);
        const { fromFile } = command.opts<{ fromFile?: string }>();
        let value: string;
        if (fromFile !== undefined) {
          try {
            value = await deps.readFile(fromFile);
          } catch (error) {
            throw new UsageError(`--from-file ${fromFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
          }
        } else {
          value = await deps.readSecretInput(`value of secret ${name} in namespace ${namespace} (not shown): `);
        }
        if (value === '') throw new UsageError(`the value of secret ${name} is empty; pipe it in ("printf %s \\"$VALUE\\" | bubo secret set ${name}") or use --from-file`);
        const view = await (await openClient(command, deps)).call('setSecret', { params: { namespace, name }, body: { value } });
        if (json) return printJson(deps, view);
        const users = view.used_by.map((u) => `${u.app} (runs version ${u.version})`);
        deps.stdout(
          `secret ${view.name} of namespace ${view.namespace} set: version ${view.version}\n` +
            (users.length > 0 ? `used by ${users.join(', ')}: nothing restarted; "bubo restart APP -n ${view.namespace}" rolls the new version out\n` : ''),
        );
      }),
    );
  secret
    .command('ls')
    .description('list secrets: names, latest versions, when and by whom they changed, which apps run which version (never values)')
    .action(
      runCommand(deps, async (command) => {
        const { json, namespace } = globalOptions(command);
        const body = await (await openClient(command, deps)).call('listSecrets', { query: namespace === undefined ? {} : { namespace } });
        if (json) return printJson(deps, body);
        if (body.secrets.length === 0) return deps.stdout(`no secrets${namespace ? ` in namespace ${namespace}` : ''}; set one with "printf %s \\"$VALUE\\" | bubo secret set NAME"\n`);
        deps.stdout(
          formatTable(
            ['NAMESPACE', 'NAME', 'VERSION', 'UPDATED', 'BY', 'USED BY'],
            body.secrets.map((s) => [
              s.namespace,
              s.name,
              String(s.version),
              s.updated_at,
              s.updated_by,
              s.used_by.map((u) => (u.version === s.version ? u.app : `${u.app} (v${u.version})`)).join(', ') || '-',
            ]),
          ),
        );
      }),
    );
  secret
    .command('rm')
    .description('delete a secret with every version (refused while the current release of an app names it)')
    .argument('<name>', 'secret name')
    .action(
      runCommand(deps, async (command, name: string) => {
        const { json, namespace = 'default' } = globalOptions(command);
        const removed = await (await openClient(command, deps)).call('removeSecret', { params: { namespace, name } });
        if (json) printJson(deps, removed);
        else deps.stdout(`secret ${removed.name} of namespace ${removed.namespace} removed (${removed.versions} version(s))\n`);
      }),
    );
}
