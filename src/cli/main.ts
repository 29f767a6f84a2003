import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { homedir } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliDeps } from './cli-deps.js';
import { readSecretInput } from './read-secret-input.js';
import { runCli } from './run-cli.js';

// The process edge of the CLI: real streams, environment, files, terminal and signals.

/** Signals handed to long-running commands (agent, server, up). */
const shutdowns: AbortSignal[] = [];
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const deps: CliDeps = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  home: homedir(),
  version: pkg.version,
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  readFile: (path) => readFile(path, 'utf8'),
  readSecretInput: (prompt) => readSecretInput(prompt),
  writePrivateFile: async (path, text) => {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, text, { mode: 0o600 });
    await chmod(path, 0o600);
  },
  confirm: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  },
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
  now: () => Date.now(),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  shutdownSignal: () => {
    const controller = new AbortController();
    shutdowns.push(controller.signal);
    // `once`: a second ctrl-c falls back to Node's default and ends the process at once.
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => controller.abort(name));
    return controller.signal;
  },
};

await runCli(process.argv.slice(2), deps);
// A daemon that has finished its orderly shutdown exits now: an idle keep-alive socket or a
// timer some library still holds must not keep it alive (a supervisor would wait on it).
if (shutdowns.some((s) => s.aborted)) process.exit();
