import { type Command, CommanderError } from 'commander';
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
    const program = buildProgram(deps, argv);
    await program.parseAsync(withoutVersionAfterUnknownCommand(program, argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; any other commander error is a usage error.
      deps.setExitCode(error.exitCode === 0 ? 0 : 2);
      return;
    }
    reportError(deps, error, argv.includes('--json'));
  }
}

/**
 * Commander answers `--version` wherever it appears, so `bubo nosuchcommand -V` printed the
 * version and exited 0, hiding the typo from scripts. After an unknown command the flag goes,
 * and the command is refused (exit 2) like with any other flag; `--help` still prints the help.
 */
function withoutVersionAfterUnknownCommand(program: Command, argv: string[]): string[] {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || first === 'help') return argv;
  if (program.commands.some((c) => c.name() === first || c.aliases().includes(first))) return argv;
  return argv.filter((arg) => arg !== '-V' && arg !== '--version');
}
