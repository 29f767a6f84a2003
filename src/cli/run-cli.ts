import { CommanderError } from 'commander';
import { buildProgram } from './build-program.js';
import type { CliDeps } from './cli-deps.js';
import { escapeTerminal } from './escape-terminal.js';
import { reportError } from './run-command.js';

/**
 * Runs one `bubo` command line (without the node and script arguments). Never throws and never
 * exits: the outcome is what was written through `deps` and the code given to `setExitCode`.
 */
export async function runCli(argv: string[], rawDeps: CliDeps): Promise<void> {
  // One place escapes what reaches the terminal: no command can forget to.
  const deps: CliDeps = {
    ...rawDeps,
    stdout: (text) => rawDeps.stdout(escapeTerminal(text)),
    stderr: (text) => rawDeps.stderr(escapeTerminal(text)),
  };
  try {
    await buildProgram(deps, argv).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; any other commander error is a usage error.
      deps.setExitCode(error.exitCode === 0 ? 0 : 2);
      return;
    }
    reportError(deps, error, argv.includes('--json'));
  }
}
