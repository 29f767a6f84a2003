import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { basename, dirname, join } from 'node:path';
import type { ApiRequest } from './firecracker-plan.js';
import type { FirecrackerProcesses } from './firecracker-processes.js';
import { API_SOCKET } from './jailer-argv.js';
import type { FirecrackerSpec } from './test-firecracker-spec.js';

export interface RecordedRequest extends ApiRequest {
  jailId: string;
  /** Spec violations (the fake answered 400 to these). */
  errors: string[];
}

interface FakeVm {
  jailId: string;
  root: string;
  server: Server;
  alive: boolean;
  state: 'Not started' | 'Running';
}

/**
 * Stands in for jailer + Firecracker (tests only): `launch` parses the jailer argv, then serves
 * Firecracker's API on `<chroot base>/<exec name>/<id>/root/run/firecracker.socket`. Each request
 * is validated against the spec (400 with `fault_message` when it does not conform, as Firecracker
 * does) and recorded; paths in bodies must exist inside the jail root. `SendCtrlAltDel` ends the
 * "VM" after `shutdownDelayMs` unless `ignoreCtrlAltDel` (a guest that does not shut down).
 */
export class FakeFirecracker implements FirecrackerProcesses {
  readonly requests: RecordedRequest[] = [];
  readonly launches: string[][] = [];
  readonly signals: { pid: number; signal: string }[] = [];
  readonly #vms = new Map<number, FakeVm>();
  #nextPid = 4_000_000;
  shutdownDelayMs = 20;
  ignoreCtrlAltDel = false;
  /** Answers 400 with this fault to the request whose path matches, instead of handling it. */
  failOn: { path: string; fault: string } | null = null;

  constructor(private readonly spec: FirecrackerSpec) {}

  async launch(argv: readonly [string, ...string[]]): Promise<number> {
    this.launches.push([...argv]);
    const flag = (name: string) => {
      const i = argv.indexOf(name);
      const value = i >= 0 ? argv[i + 1] : undefined;
      if (value === undefined) throw new Error(`fake jailer: ${name} missing`);
      return value;
    };
    const jailId = flag('--id');
    const root = join(flag('--chroot-base-dir'), basename(flag('--exec-file')), jailId, 'root');
    const apiSock = argv.slice(argv.indexOf('--') + 1);
    const socket = join(root, apiSock[apiSock.indexOf('--api-sock') + 1] ?? API_SOCKET);
    await mkdir(dirname(socket), { recursive: true });
    await rm(socket, { force: true });
    const pid = this.#nextPid++;
    const vm: FakeVm = { jailId, root, alive: true, state: 'Not started', server: createServer() };
    vm.server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const api: ApiRequest = { method: req.method as ApiRequest['method'], path: req.url ?? '/', ...(text ? { body: JSON.parse(text) } : {}) };
        const reply = (status: number, body?: unknown) => {
          res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' });
          res.end(body === undefined ? undefined : JSON.stringify(body));
        };
        if (api.method === 'GET' && api.path === '/') {
          return reply(200, { app_name: 'Firecracker', id: jailId, state: vm.state, vmm_version: '1.17.0-fake' });
        }
        const errors = this.spec.check(api).errors;
        errors.push(...missingFiles(root, api));
        this.requests.push({ ...api, jailId, errors });
        if (errors.length > 0) return reply(400, { fault_message: errors.join('; ') });
        if (this.failOn && api.path === this.failOn.path) return reply(400, { fault_message: this.failOn.fault });
        const action = (api.body as { action_type?: string } | undefined)?.action_type;
        if (action === 'InstanceStart') vm.state = 'Running';
        if (action === 'SendCtrlAltDel' && !this.ignoreCtrlAltDel) setTimeout(() => this.#end(pid), this.shutdownDelayMs);
        reply(204);
      });
    });
    await new Promise<void>((resolve) => vm.server.listen(socket, resolve));
    this.#vms.set(pid, vm);
    return pid;
  }

  async isRunning(pid: number, jailId: string): Promise<boolean> {
    const vm = this.#vms.get(pid);
    return vm?.alive === true && vm.jailId === jailId;
  }

  kill(pid: number, signal: NodeJS.Signals): void {
    this.signals.push({ pid, signal });
    if (signal === 'SIGKILL' || signal === 'SIGTERM') this.#end(pid);
  }

  /** The VM of `jailId` ends on its own (a guest that powered off or crashed). */
  crash(jailId: string): void {
    for (const [pid, vm] of this.#vms) if (vm.jailId === jailId) this.#end(pid);
  }

  /** Jail ids whose fake Firecracker still runs. */
  running(): string[] {
    return [...this.#vms.values()].filter((vm) => vm.alive).map((vm) => vm.jailId);
  }

  /** Ends every fake VM (test cleanup). */
  async close(): Promise<void> {
    for (const pid of this.#vms.keys()) this.#end(pid);
  }

  #end(pid: number): void {
    const vm = this.#vms.get(pid);
    if (!vm?.alive) return;
    vm.alive = false;
    vm.server.close();
    vm.server.closeAllConnections();
  }
}

/** Firecracker opens these paths inside its chroot; a path that is not there is a 400. */
function missingFiles(root: string, api: ApiRequest): string[] {
  const body = (api.body ?? {}) as Record<string, unknown>;
  const paths = ['kernel_image_path', 'initrd_path', 'path_on_host', 'log_path', 'serial_out_path'].flatMap((key) => (typeof body[key] === 'string' ? [body[key] as string] : []));
  return paths.filter((p) => !existsSync(join(root, p))).map((p) => `${p}: no such file inside the jail`);
}
