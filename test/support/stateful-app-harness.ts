import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { retargetImages } from '../../src/up/retarget-images.js';
import { AgentProcess } from './agent-process.js';
import { cleanupAgentState } from './cleanup-agent-state.js';
import { type Registry, startRegistry } from './registry.js';
import { type BuboResult, runBuboWithInput } from './run-bubo.js';
import { freePort, ServerProcess, waitFor } from './server-process.js';
import { type TestImage, type TestImages, testImages } from './test-images.js';

const run = promisify(execFile);

export interface StatefulAppHarnessOptions {
  /** Temporary directory prefix, e.g. `bubo-postgres-`. */
  prefix: string;
  /** Host names are `<hosts>1` (the real agent) and `<hosts>2` (a registered host with nothing on it). */
  hosts: string;
  group?: string;
  cidr: string;
  /** Bridge name prefix; the process id is appended (at most 15 characters in all). */
  bridge: string;
  runtime: 'container' | 'microvm';
  agentRuntime: 'runc' | 'qemu';
  /** The images to push to the test registry, of those the image builder makes. */
  images: (images: TestImages) => TestImage[];
  /** Secrets to set (from stdin, as a user would) before any test. */
  secrets?: Record<string, string>;
  /** More `bubo agent` flags, read at each start of the agent. */
  agentArgs?: () => string[];
  /** Runs before the agent starts (a server the agent's flags name, say). */
  beforeAgent?: (dir: string) => Promise<void>;
}

/**
 * One `bubo server`, one `bubo agent` (host `<hosts>1`, the `file` volume driver) and a test
 * registry, for e2e tests of stateful apps through the real product; plus host `<hosts>2`, in the
 * same group with room, kept alive by heartbeats and cordoned at first, so that the first placement
 * is on `<hosts>1` and a test can uncordon it to prove a slot with a volume stays where its data is.
 */
export class StatefulAppHarness {
  dir = '';
  agentDir = '';
  registry!: Registry;
  server!: ServerProcess;
  agent!: AgentProcess;
  client!: ApiClient;
  env: Record<string, string> = {};
  /** References of the pushed images (`<registry>/bubo/<name>:<tag>`), in the order `images` gave them. */
  pushed: string[] = [];
  readonly bridge: string;
  readonly group: string;
  readonly #o: StatefulAppHarnessOptions;
  #beating: NodeJS.Timeout | undefined;

  constructor(options: StatefulAppHarnessOptions) {
    this.#o = options;
    this.bridge = `${options.bridge}${process.pid % 100000}`;
    this.group = options.group ?? 'local';
  }

  get otherHost(): string {
    return `${this.#o.hosts}2`;
  }

  agentArgs(): string[] {
    return [
      '--server', this.server.url, '--group', this.group, '--name', `${this.#o.hosts}1`, '--state-dir', this.agentDir, '--bridge', this.bridge,
      '--address', '127.0.0.1', '--agent-listen', '127.0.0.1:0', '--runtime', this.#o.agentRuntime, ...(this.#o.agentArgs?.() ?? []),
    ];
  }

  /** For `beforeAll`. */
  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), this.#o.prefix));
    this.agentDir = join(this.dir, 'agent');
    this.registry = await startRegistry();
    for (const image of this.#o.images(await testImages())) this.pushed.push(await this.registry.push(image.layout, image.tag, image.repo));
    this.server = new ServerProcess(join(this.dir, 'server'), await freePort(), ['--cluster-cidr', this.#o.cidr, '--host-ttl', '3s']);
    await this.server.start();
    const token = (await readFile(join(this.dir, 'server', 'admin.token'), 'utf8')).trim();
    this.env = { BUBO_ADDR: this.server.url, BUBO_TOKEN: token };
    this.client = new ApiClient({ baseUrl: this.server.url, token });
    await this.#o.beforeAgent?.(this.dir);
    this.agent = new AgentProcess(this.agentArgs(), { BUBO_TOKEN: token });
    await this.agent.start();
    const registered = await this.client.call('agentRegister', {
      body: {
        name: this.otherHost,
        group: this.group,
        address: '127.0.0.2',
        capacity: { cpus: 8, memory_mib: 8192, disk_mib: 65536 },
        runtimes: [{ name: this.#o.agentRuntime, kind: this.#o.runtime, available: true }],
        labels: {},
        roles: [],
      },
    });
    this.#beating = setInterval(() => void this.client.call('agentHeartbeat', { body: { host_id: registered.host_id } }).catch(() => {}), 500);
    expect((await this.cli('host', 'cordon', this.otherHost)).code).toBe(0);
    for (const [name, value] of Object.entries(this.#o.secrets ?? {})) {
      const set = await runBuboWithInput(['secret', 'set', name], this.env, `${value}\n`);
      expect(set.code, set.stderr).toBe(0);
    }
  }

  /** For `afterAll`: every app destroyed (volumes kept, then gone with the directory), processes stopped, mounts and the host network undone. */
  async stop(): Promise<void> {
    clearInterval(this.#beating);
    if (this.client) {
      const apps = await this.client.call('listApps', { query: {} }).catch(() => ({ apps: [] as { namespace: string; name: string }[] }));
      for (const app of apps.apps) await this.client.call('destroyApp', { params: { namespace: app.namespace, app: app.name } }).catch(() => {});
      await waitFor('the apps to be gone', async () => (await this.client.call('listApps', { query: {} })).apps.length === 0, 60_000).catch(() => {});
    }
    await this.agent?.signal('SIGTERM');
    await this.server?.stop();
    await this.registry?.stop();
    if (this.agentDir) {
      for (const line of (await readFile('/proc/self/mounts', 'utf8')).split('\n')) {
        const point = line.split(' ')[1];
        if (point?.startsWith(this.agentDir)) await run('umount', [point]).catch(() => {});
      }
      await cleanupAgentState(this.agentDir, this.bridge);
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  cli(...args: string[]): Promise<BuboResult> {
    return runBuboWithInput(args, this.env);
  }

  status(app: string) {
    return this.client.call('getApp', { params: { namespace: 'default', app } });
  }

  /** The instance of `app` (of `release`, if given) that runs; the agent's last output in the error otherwise. */
  running(app: string, release?: number, timeoutMs = this.#o.runtime === 'microvm' ? 240_000 : 120_000) {
    return waitFor(
      `${app}${release ? ` release ${release}` : ''} running`,
      async () => (await this.status(app)).instances.find((i) => i.state === 'running' && i.desired === 'run' && (release === undefined || i.release === release)),
      timeoutMs,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; agent: ${this.agent.output.slice(-3000)}`);
    });
  }

  stopped(app: string) {
    return waitFor(`${app} stopped`, async () => (await this.status(app)).instances.every((i) => ['stopped', 'failed', 'lost'].includes(i.state)), 90_000);
  }

  /** The output of one instance (through the server and its agent), a line each. */
  async logs(app: string, instance: string, tail = 200): Promise<string> {
    let text = '';
    for await (const line of await this.client.stream('appLogs', { params: { namespace: 'default', app }, query: { tail, instance } })) {
      if ('line' in line) text += `${line.line}\n`;
      else text += `error: ${line.error}\n`;
    }
    return text;
  }

  /** An example task file with its images moved to the test registry. */
  async example(url: URL, name: string): Promise<string> {
    return retargetImages(await readFile(url, 'utf8'), name, '127.0.0.1:5055', this.registry.host);
  }

  /** Writes `text` as `<dir>/<file>` and deploys it with the CLI. */
  async deploy(file: string, text: string): Promise<void> {
    const path = join(this.dir, file);
    await writeFile(path, text);
    const deployed = await this.cli('deploy', path);
    expect(deployed.code, deployed.stderr).toBe(0);
  }
}
