import { execFile } from 'node:child_process';
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
