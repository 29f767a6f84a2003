import { DomainError } from '../errors/domain-error.js';

/** A command exited non-zero, could not be found, or timed out; the message quotes its stderr. */
export class CommandError extends DomainError {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(argv: readonly string[], exitCode: number | null, stderr: string, why?: string) {
    const shown = argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    const reason = why ?? (exitCode === null ? 'was killed' : `exited with ${exitCode}`);
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    super('command_failed', `${shown} ${reason}${tail ? `: ${tail}` : ''}`, { argv, exitCode, stderr: stderr.slice(-4000) });
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
