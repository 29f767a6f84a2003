import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { constants } from 'node:os';
import { DomainError } from '../errors/domain-error.js';
import type { Command } from '../exec/command.js';
import { CommandError } from '../exec/command-error.js';
import { type Executor, runCommand } from '../exec/run-command.js';
import { spawnDetached } from '../exec/spawn-detached.js';
import { runcVersion } from '../runtimes/runc/runc-commands.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { MaintenanceConfig } from './maintenance-config.js';
import { readJsonBody } from './read-json-body.js';

type Argv = readonly [string, ...string[]];

/** What the maintenance routes need: the allow-list, this agent process, and how to run things. */
export interface AgentMaintenance {
  /** The `--maintenance` file; absent: `run` and `reboot` answer 404, `check` runs the built-in checks only. */
  config: MaintenanceConfig | undefined;
  /** A random id of this agent process and when it started (ms): another one means the agent came back. */
  incarnation: string;
  startedAt: number;
  /** The runtimes this host offers: each that its probe says is available gets a built-in check. */
  runtimes: readonly Pick<Runtime, 'name' | 'probe'>[];
  /** A runtime's built-in check, by runtime name: its binary answers `--version`. Others: the probe alone. */
  runtimeCheckArgv: Readonly<Record<string, Argv>>;
  exec: Executor;
  /** Runs the reboot argv without waiting for it. */
  startDetached(argv: Argv): void;
  bootIdFile: string;
}

export interface AgentMaintenanceOptions {
  config?: MaintenanceConfig | undefined;
  runtimes: readonly Pick<Runtime, 'name' | 'probe'>[];
  /** Where the reboot command's output goes (default /dev/null). */
  rebootLogPath?: string;
  log?: (line: string) => void;
  /** Tests. */
  exec?: Executor;
  runtimeCheckArgv?: Readonly<Record<string, Argv>>;
  bootIdFile?: string;
}

/** Built once per agent process start: its incarnation and start time are this process's. */
export function agentMaintenance(options: AgentMaintenanceOptions): AgentMaintenance {
  const log = options.log ?? (() => {});
  const rebootLog = options.rebootLogPath ?? '/dev/null';
  return {
    config: options.config,
    incarnation: randomUUID(),
    startedAt: Date.now(),
    runtimes: options.runtimes,
    runtimeCheckArgv: options.runtimeCheckArgv ?? RUNTIME_CHECK_ARGV,
    exec: options.exec ?? runCommand,
    bootIdFile: options.bootIdFile ?? '/proc/sys/kernel/random/boot_id',
    startDetached: (argv) => {
      log(`maintenance: rebooting: ${argv.join(' ')}`);
      try {
        // In a session of its own: the reboot stopping the agent's service does not stop it.
        const child = spawnDetached(argv, rebootLog);
        void child.exited.then((how) => {
          if (how !== 'exit code 0') log(`maintenance: ${argv.join(' ')} ended with ${how} (output in ${rebootLog})`);
        });
      } catch (error) {
        log(`maintenance: cannot start ${argv.join(' ')}: ${(error as Error).message}`);
      }
    },
  };
}

/** The binaries the runtimes use by default (`runtimes/*`), asked for their version. */
const RUNTIME_CHECK_ARGV: Readonly<Record<string, Argv>> = {
  runc: runcVersion('runc').argv,
  qemu: ['qemu-system-x86_64', '--version'],
  firecracker: ['firecracker', '--version'],
};
const RUNTIME_CHECK_TIMEOUT_MS = 60_000;

const ROUTE = /^\/v1\/local\/maintenance(?:\/(run|reboot|check))?$/;
/** What a command's answer keeps of its output: the end, where the error is. */
const OUTPUT_LIMIT = 64 * 1024;
/** Every exit code: a command that fails is an answer (`exit_code`), not an error of the route. */
const ANY_EXIT = Array.from({ length: 255 }, (_, n) => n + 1);
/** `timeout(1)`'s exit code. */
const TIMED_OUT_EXIT = 124;
const NO_FILE = 'no maintenance file (start the agent with --maintenance FILE)';

/** Sends the answer; resolves once it is written (or the caller went away). */
type Send = (status: number, body: unknown) => void | Promise<void>;

/** The maintenance command running, per agent process: one at a time (dpkg takes a lock anyway). */
const running = new WeakMap<AgentMaintenance, string>();

/**
 * `/v1/local/maintenance…` on the agent's listener, called by the server's operation runner
 * (`bubo op start maintain`). Nothing sent here is ever run: a command is looked up by name in
 * the maintenance file, and the reboot and check argvs come from it too.
 *   GET  /v1/local/maintenance          → {incarnation, started_at, boot_id, commands, checks, reboot}
 *   POST /v1/local/maintenance/run      {name} → {exit_code, output} (a non-zero exit is a 200 too;
 *        124 when its timeout killed it; output: stdout then stderr, the last 64 KiB)
 *   POST /v1/local/maintenance/reboot   {} → {ok: true}, answered before the reboot argv starts
 *   POST /v1/local/maintenance/check    {} → {ok, checks: [{name, ok, output}]}: one per available
 *        runtime (`runtime runc`), then the file's `[[checks]]`
 * Returns false when the path is not one of these.
 */
export async function handleMaintenanceRoute(req: IncomingMessage, url: URL, m: AgentMaintenance | undefined, send: Send): Promise<boolean> {
  const match = ROUTE.exec(url.pathname);
  if (!match) return false;
  const action = match[1] ?? 'info';
  try {
    if (!m) throw new DomainError('not_found', 'this agent serves no maintenance routes');
    if (req.method !== (action === 'info' ? 'GET' : 'POST')) {
      await send(405, { code: 'invalid_request', message: `${req.method} not allowed here`, details: null });
      return true;
    }
    switch (action) {
      case 'info':
        await send(200, await info(m));
        break;
      case 'run': {
        const body = await readJsonBody(req);
        if (typeof body.name !== 'string' || body.name === '') throw new DomainError('invalid_request', '"name" must be the name of a command of the maintenance file');
        await send(200, await run(m, body.name));
        break;
      }
      case 'reboot': {
        await readJsonBody(req);
        const argv = configOf(m).reboot;
        await send(200, { ok: true });
        m.startDetached(argv);
        break;
      }
      case 'check':
        await readJsonBody(req);
        await send(200, await check(m));
        break;
    }
  } catch (error) {
    if (!(error instanceof DomainError) || !['not_found', 'conflict', 'invalid_request'].includes(error.code)) throw error;
    const status = error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 400;
    await send(status, { code: error.code, message: error.message, details: null });
  }
  return true;
}

async function info(m: AgentMaintenance) {
  const bootId = await readFile(m.bootIdFile, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return {
    incarnation: m.incarnation,
    started_at: m.startedAt,
    boot_id: bootId,
    commands: [...(m.config?.commands.keys() ?? [])],
    checks: (m.config?.checks ?? []).map((c) => c.name),
    // Without a file nothing may reboot this host.
    reboot: m.config ? [...m.config.reboot] : [],
  };
}

async function run(m: AgentMaintenance, name: string) {
  const config = configOf(m);
  const command = config.commands.get(name);
  if (!command) {
    const names = [...config.commands.keys()];
    throw new DomainError('not_found', `no maintenance command "${name}" on this host; ${config.file} has ${names.length === 0 ? 'none ([commands.NAME] tables)' : names.join(', ')}`);
  }
  const busy = running.get(m);
  if (busy !== undefined) throw new DomainError('conflict', `maintenance command "${busy}" is still running on this host; ask again once it is done`);
  running.set(m, name);
  try {
    const done = await execute(m.exec, { argv: command.argv, env: command.env }, command.timeoutMs);
    return { exit_code: done.exitCode, output: done.output };
  } finally {
    running.delete(m);
  }
}

async function check(m: AgentMaintenance) {
  const checks: { name: string; ok: boolean; output: string }[] = [];
  const seen = new Set<string>();
  for (const runtime of m.runtimes) {
    // A fallback runtime shares its inner runtime's name: one check per binary.
    if (seen.has(runtime.name)) continue;
    seen.add(runtime.name);
    const probed = await runtime.probe();
    if (!probed.available) continue;
    const argv = m.runtimeCheckArgv[runtime.name];
    if (!argv) {
      checks.push({ name: `runtime ${runtime.name}`, ok: true, output: probed.detail ?? '' });
      continue;
    }
    const done = await execute(m.exec, { argv }, RUNTIME_CHECK_TIMEOUT_MS);
    checks.push({ name: `runtime ${runtime.name}`, ok: done.exitCode === 0, output: done.output });
  }
  for (const c of m.config?.checks ?? []) {
    const done = await execute(m.exec, { argv: c.argv }, c.timeoutMs);
    checks.push({ name: c.name, ok: done.exitCode === 0, output: done.output });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function configOf(m: AgentMaintenance): MaintenanceConfig {
  if (!m.config) throw new DomainError('not_found', NO_FILE);
  return m.config;
}

/**
 * Runs a command of the file through the one executor; whatever its exit, the answer is an exit
 * code and the tail of its output. Killed by its timeout: 124 and a line saying so.
 */
async function execute(exec: Executor, command: Omit<Command, 'timeoutMs' | 'okExitCodes'>, timeoutMs: number): Promise<{ exitCode: number; output: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const result = await exec({ ...command, okExitCodes: ANY_EXIT }, timeout);
    return { exitCode: result.exitCode, output: tail(result.stdout + result.stderr) };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (timeout.aborted) return { exitCode: TIMED_OUT_EXIT, output: tail(`${error.stderr}${command.argv[0]} timed out after ${formatTimeout(timeoutMs)} and was killed (its timeout in the maintenance file)\n`) };
    // Not found, or killed by a signal: 127 and 128 + the signal, as a shell says it.
    const signal = /killed by (SIG[A-Z0-9]+)/.exec(error.message)?.[1];
    const exitCode = signal ? 128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0) : 127;
    return { exitCode, output: tail(`${error.stderr}${error.message}\n`) };
  }
}

function formatTimeout(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

/** The last `OUTPUT_LIMIT` bytes (a character cut in two at the start is dropped). */
function tail(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= OUTPUT_LIMIT) return text;
  return bytes.subarray(bytes.length - OUTPUT_LIMIT).toString('utf8').replace(/^\uFFFD+/, '');
}
