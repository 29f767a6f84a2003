import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiClient } from '../../src/client/api-client.js';
import { runBubo } from './run-bubo.js';
import { freePort, ServerProcess } from './server-process.js';

/** Who a `bubo agent` on this machine is (see `JoinableServer.localAgentArgs`). */
export interface LocalAgent {
  stateDir: string;
  name: string;
  /** Its instance bridge, named for the test (the machine's `bubo0` is not the test's). */
  bridge: string;
  /** `--agent-listen`; default `127.0.0.1:0` (any port). */
  agentListen?: string;
}

/**
 * A real `bubo server` with its TLS listener on loopback, for tests of hosts that join it (join
 * tokens, mTLS, renewal): the admin API client, the CLI as an admin, and the command line of a
 * `bubo agent` on this machine (runc only) that talks to it. `ClusterHarness` is the same with
 * network namespaces, for several hosts.
 */
export class JoinableServer {
  server!: ServerProcess;
  tlsPort = 0;
  /** `BUBO_ADDR` and `BUBO_TOKEN` of an admin on the server machine. */
  env: Record<string, string> = {};
  admin!: ApiClient;

  /** `dir` holds the server's state in `server/`; `serverArgs` go to `bubo server` after the listeners. */
  constructor(readonly dir: string, readonly serverArgs: string[] = []) {}

  get stateDir(): string {
    return join(this.dir, 'server');
  }

  /** The TLS listener agents join and speak mTLS to. */
  get tlsUrl(): string {
    return `https://127.0.0.1:${this.tlsPort}`;
  }

  async start(): Promise<void> {
    this.tlsPort = await freePort();
    this.server = new ServerProcess(this.stateDir, await freePort(), ['--tls-listen', `127.0.0.1:${this.tlsPort}`, ...this.serverArgs]);
    await this.server.start();
    const token = (await readFile(join(this.stateDir, 'admin.token'), 'utf8')).trim();
    this.env = { BUBO_ADDR: this.server.url, BUBO_TOKEN: token };
    this.admin = new ApiClient({ baseUrl: this.server.url, token });
  }

  /** `bubo ARGS --json` as the admin; its parsed output, or an error with its stderr. */
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON output, checked by each test.
  async cli(...args: string[]): Promise<any> {
    const result = await runBubo([...args, '--json'], this.env);
    if (result.code !== 0) throw new Error(`bubo ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  /** `--server`, `--join TOKEN` and `--ca-fingerprint` of a join token made with `bubo host join-token create`. */
  joinArgs(created: { token: string; ca_fingerprint: string }): string[] {
    return ['--server', this.tlsUrl, '--join', created.token, '--ca-fingerprint', created.ca_fingerprint];
  }

  /** The rest of the agent's command line: a host on 127.0.0.1 with its own bridge, runc only. */
  localAgentArgs(agent: LocalAgent): string[] {
    return [
      '--state-dir', agent.stateDir,
      '--name', agent.name,
      '--bridge', agent.bridge,
      '--address', '127.0.0.1',
      '--agent-listen', agent.agentListen ?? '127.0.0.1:0',
      '--runtime', 'runc',
    ];
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
