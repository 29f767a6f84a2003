import type { Command } from 'commander';
import type { ValidationResult } from '../../taskfile/validate-task-files.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';

/** `bubo validate FILE...`: checks task files locally, no server needed; exit 1 if any is invalid. */
export function registerValidate(program: Command, deps: CliDeps): void {
  program
    .command('validate')
    .description('check task files without a server')
    .argument('[files...]', 'task files', ['bubo.toml'])
    .action(
      runCommand(deps, async (command, files: string[]) => {
        const validate = deps.validateTaskFiles ?? (await import('../../taskfile/validate-task-files.js')).validateTaskFiles;
        const results = await validate(files);
        if (globalOptions(command).json) {
          printJson(deps, {
            files: results.map((r) => (r.ok ? { file: r.file, ok: true } : { file: r.file, ok: false, problems: r.problems })),
          });
        } else {
          for (const result of results) deps.stdout(`${describe(result)}\n`);
        }
        if (results.some((r) => !r.ok)) deps.setExitCode(1);
      }),
    );
}

/** `file: ok (...)`, or the validator's own compiler-style message (`file:line:col: message`). */
function describe(result: ValidationResult): string {
  if (!result.ok) return result.message;
  const { spec } = result;
  const app = spec.namespace === 'default' ? spec.app : `${spec.namespace}/${spec.app}`;
  const instances = spec.count === 1 ? '1 instance' : `${spec.count} instances`;
  return `${result.file}: ok (app ${app}, ${instances} in group ${spec.group})`;
}
