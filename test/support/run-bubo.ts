import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUBO = fileURLToPath(new URL('../../bin/bubo.js', import.meta.url));

export interface BuboResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `bubo` executable with the given environment, never through a shell. */
export function runBubo(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<BuboResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUBO, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, cwd, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the built `bubo` with `input` on its stdin (how a user hands a secret or a token over), never through a shell. */
export function runBuboWithInput(args: string[], env: Record<string, string>, input = ''): Promise<BuboResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUBO, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}
