import { spawn } from 'node:child_process';
import type { Command } from './command.js';
import { CommandError } from './command-error.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Executor = (command: Command, signal?: AbortSignal) => Promise<CommandResult>;

/** Where the executor logs each argv before running it (`BUBO_DEBUG=1` prints them to stderr). */
let logLine: (line: string) => void = (line) => {
  if (process.env.BUBO_DEBUG) process.stderr.write(`bubo: exec ${line}\n`);
};

export function setCommandLog(log: (line: string) => void): void {
  logLine = log;
}

/**
 * The one executor: spawns `argv[0]` with `argv[1..]` (never a shell), collects output, and
 * throws `CommandError` on a non-zero exit not listed in `okExitCodes`, a missing binary, or a
 * timeout.
 */
export const runCommand: Executor = (command, signal) =>
  new Promise((resolve, reject) => {
    const [file, ...args] = command.argv;
    logLine(command.argv.join(' '));
    const child = spawn(file, args, {
      cwd: command.cwd,
      env: command.env ? { ...process.env, ...command.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
      timeout: command.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? `failed: ${file} is not installed (not found in PATH)` : `failed: ${error.message}`;
      reject(new CommandError(command.argv, null, Buffer.concat(err).toString(), why));
    });
    child.on('close', (code, sig) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0 || (code !== null && command.okExitCodes?.includes(code))) {
        resolve({ exitCode: code, stdout, stderr });
      } else {
        const why = sig ? `was killed by ${sig}${command.timeoutMs ? ` (timeout ${command.timeoutMs} ms?)` : ''}` : undefined;
        reject(new CommandError(command.argv, code, stderr, why));
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(command.input ?? '');
  });
