import type { Command } from 'commander';
import { DomainError } from '../errors/domain-error.js';
import type { CliDeps } from './cli-deps.js';
import { globalOptions } from './global-options.js';
import { printJson } from './print-json.js';
import { UsageError } from './usage-error.js';

/**
 * Wraps a command's action so that every failure ends the same way: one line `bubo: <message>`
 * on stderr (the message of a domain error already says what to do, and lists problems or a
 * capacity table when it has them), or `{"error": {code, message, details}}` on stdout with
 * `--json`; exit code 2 for usage errors, 1 otherwise. A stack trace only with `BUBO_DEBUG=1`.
 */
export function runCommand<A extends unknown[]>(
  deps: CliDeps,
  body: (command: Command, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args[args.length - 1] as Command;
    try {
      await body(command, ...(args.slice(0, -2) as A));
    } catch (error) {
      reportError(deps, error, globalOptions(command).json);
    }
  };
}

export function reportError(deps: CliDeps, error: unknown, json: boolean): void {
  const domain = error instanceof DomainError;
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const code = domain ? error.code : 'internal';
    printJson(deps, { error: { code, message, details: domain ? error.details : null } });
  } else {
    deps.stderr(`bubo: ${message}\n`);
  }
  if (deps.env['BUBO_DEBUG'] === '1' && error instanceof Error && error.stack) deps.stderr(`${error.stack}\n`);
  // Any layer may refuse its input as a usage error (code `usage`): exit code 2 like the CLI's own.
  deps.setExitCode(error instanceof UsageError || (error instanceof DomainError && error.code === 'usage') ? 2 : 1);
}
