import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { AgentProcess } from '../support/agent-process.js';
import { filesHolding } from '../support/files-holding.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { runBuboWithInput } from '../support/run-bubo.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { type PushedTestImages, pushTestImages } from '../support/test-images.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun');

// Distinct per run, so nothing left from an earlier run can match.
const ENV_VALUE = `envmarker-${process.pid}-${Date.now()}`;
const FILE_VALUE = `-----BEGIN TEST KEY-----\nfilemarker-${process.pid}-${Date.now()}\n-----END TEST KEY-----\n`;
const FILE_MARKER = FILE_VALUE.split('\n')[1] as string;
const ENV_V2 = `${ENV_VALUE}-v2`;
const sha = (value: string) => createHash('sha256').update(value).digest('hex');


const bubo = runBuboWithInput;

/** What the container reports about its secrets: hashes, never the values (its output is logged). */
const REPORT = [
  'echo "report env=$(printf %s "$TOKEN" | sha256sum | cut -c1-64)',
  'file=$(sha256sum < /run/secrets/tls.key | cut -c1-64)',
  'mode=$(stat -c %a:%u:%g /run/secrets/tls.key)',
  'write=$( (echo x > /run/secrets/tls.key) 2>/dev/null && echo allowed || echo refused)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, for the container's sh
  'tlsenv=${TLS_KEY:-unset} id=$(id -u):$(id -g)"',
].join(' ');

function task(app: string, runtime: 'container' | 'microvm', image: string): string {
  return `app = "${app}"
group = "local"
count = 1
runtime = "${runtime}"

[resources]
cpus = 0.25
memory = "256MiB"
disk = "256MiB"

[[containers]]
name = "main"
image = "${image}"
user = "1000:1000"
command = ["sh", "-c", ${JSON.stringify(`${REPORT}; while :; do sleep 3600; done`)}]
secrets = ["TOKEN", { name = "TLS_KEY", file = "/run/secrets/tls.key" }]

[deploy]
drain_delay = "0s"
`;
}

/**
 * Secrets through the real product path: a `bubo server` process, a `bubo agent` with runc and
 * QEMU, real images, values set with the CLI on stdin and from a file. One app per runtime reads
 * them (as env and as a file) and prints their hashes; then every place a value could leak is
 * searched for it: the server's state directory (database included), the agent's (outside each
 * instance's own config), every API answer the CLI shows, both daemons' output, `ps`.
 */
describe.skipIf(!canRun)('secrets reach the instances that name them, and nothing else', () => {
  let dir: string;
  let agentDir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let images: PushedTestImages;
  let env: Record<string, string>;
  const bridge = `bsc${process.pid % 100000}`;
  const apps = { runc: 'sec-runc', vm: 'sec-vm' };

  const reportOf = async (app: string, instance?: string) => {
    const lines: string[] = [];
    for await (const line of await client.stream('appLogs', { params: { namespace: 'default', app }, query: { tail: 20, ...(instance ? { instance } : {}) } })) {
      if ('line' in line && line.line.startsWith('report ')) lines.push(line.line);
    }
    return lines.at(-1);
  };
  const runningInstance = (app: string, release: number) =>
    waitFor(
      `${app} release ${release} running`,
      async () => {
        const { instances } = await client.call('getApp', { params: { namespace: 'default', app } });
        return instances.find((i) => i.release === release && i.state === 'running' && i.desired === 'run');
      },
      120_000,
    ).catch(async (error) => {
      throw new Error(`${(error as Error).message}; agent: ${agent.output.slice(-3000)}`);
    });
  const reported = (app: string, instance: string) => waitFor(`the report of ${app}`, () => reportOf(app, instance), 60_000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-secrets-'));
    agentDir = join(dir, 'agent');
    registry = await startRegistry();
    images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.214.0.0/16']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    env = { BUBO_ADDR: server.url, BUBO_TOKEN: token };
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(
      ['--server', server.url, '--group', 'local', '--name', 'sech1', '--state-dir', agentDir, '--bridge', bridge, '--address', '127.0.0.1', '--agent-listen', '127.0.0.1:0', '--runtime', 'qemu', '--runtime', 'runc'],
      { BUBO_TOKEN: token },
    );
    await agent.start();
  }, 300_000);

  afterAll(async () => {
    for (const app of Object.values(apps)) await client?.call('destroyApp', { params: { namespace: 'default', app } }).catch(() => {});
    if (client) {
      await waitFor('the apps to be gone', async () => (await client.call('listApps', { query: {} })).apps.length === 0, 60_000).catch(() => {});
    }
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    if (agentDir) await cleanupAgentState(agentDir, bridge);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('refuses a deploy naming secrets that are not set, naming them', async () => {
    const file = join(dir, 'runc.toml');
    await writeFile(file, task(apps.runc, 'container', images.httpdV1));
    const refused = await bubo(['deploy', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('namespace default does not have: TLS_KEY, TOKEN');
    expect(refused.stderr).toContain('bubo secret set NAME -n default');
  });

  it('delivers env and file secrets to a runc container and a microVM container', async () => {
    const keyFile = join(dir, 'tls.key');
    await writeFile(keyFile, FILE_VALUE, { mode: 0o600 });
    const set = await bubo(['secret', 'set', 'TOKEN'], env, `${ENV_VALUE}\n`);
    expect(set).toMatchObject({ code: 0, stdout: 'secret TOKEN of namespace default set: version 1\n' });
    expect((await bubo(['secret', 'set', 'TLS_KEY', '--from-file', keyFile], env)).code).toBe(0);
    for (const [app, runtime] of [[apps.runc, 'container'], [apps.vm, 'microvm']] as const) {
      const file = join(dir, `${app}.toml`);
      await writeFile(file, task(app, runtime, images.httpdV1));
      const deployed = await bubo(['deploy', file], env);
      expect(deployed.code, deployed.stderr).toBe(0);
    }
    const expected = `report env=${sha(ENV_VALUE)} file=${sha(FILE_VALUE)} mode=400:1000:1000 write=refused tlsenv=unset id=1000:1000`;
    for (const app of Object.values(apps)) {
      const instance = await runningInstance(app, 1);
      expect(await reported(app, instance.id), app).toBe(expected);
    }
  }, 240_000);

  it('holds the values in no database, state file, API answer, log or command line', async () => {
    const markers = [ENV_VALUE, FILE_MARKER];
    // The server's whole state directory: bubo.db with its WAL, the key file, the CA.
    for (const marker of markers) {
      expect(filesHolding(join(dir, 'server'), marker), `server state holding ${marker}`).toEqual([]);
    }
    // The agent's: only each instance's own config may hold them (runc: config.json and the
    // secret files of its bundle; a microVM: its config disk).
    for (const marker of markers) {
      const found = filesHolding(agentDir, marker).map((path) => `/${path}`);
      expect(found.length, 'the instances hold the values').toBeGreaterThan(0);
      const unexpected = found.filter((path) => !/\/instances\/[^/]+\/(?:.*\/)?(?:config\.json|config\.ext4|secrets\/.+)$/.test(path));
      expect(unexpected, `agent state holding ${marker}`).toEqual([]);
    }
    // Everything the CLI shows about the apps, the hosts, the secrets and the history.
    const views = [['status'], ['status', apps.runc], ['status', apps.vm], ['releases', apps.runc], ['events'], ['secret', 'ls'], ['hosts'], ['groups'], ['logs', apps.runc], ['logs', apps.vm]];
    for (const args of views) {
      for (const json of [[], ['--json']]) {
        const shown = await bubo([...args, ...json], env);
        expect(shown.code, `bubo ${args.join(' ')}: ${shown.stderr}`).toBe(0);
        for (const marker of markers) expect(shown.stdout + shown.stderr, `bubo ${args.join(' ')} ${json.join('')}`).not.toContain(marker);
      }
    }
    const ps = (await run('ps', ['-eo', 'args'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    for (const marker of markers) {
      expect(ps).not.toContain(marker);
      expect(agent.output).not.toContain(marker);
      expect(server.output).not.toContain(marker);
    }
    // The release records versions; its stored spec names the secrets only.
    const releases = await client.call('listReleases', { params: { namespace: 'default', app: apps.runc } });
    expect(releases.releases[0]?.secrets).toEqual({ TLS_KEY: 1, TOKEN: 1 });
  }, 120_000);

  it('rolls a new value out only on restart, and keeps delivering after a key rotation', async () => {
    const before = await runningInstance(apps.runc, 1);
    const set = await bubo(['secret', 'set', 'TOKEN'], env, ENV_V2);
    expect(set.stdout).toContain(`used by ${apps.runc} (runs version 1), ${apps.vm} (runs version 1): nothing restarted`);
    const rotated = await bubo(['server', 'rotate-key', '--json'], env);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ resealed: 3 });
    // Nothing restarted by itself: the same instance, still reporting the first value.
    const { instances } = await client.call('getApp', { params: { namespace: 'default', app: apps.runc } });
    expect(instances.filter((i) => i.desired === 'run').map((i) => i.id)).toEqual([before.id]);
    const restarted = await bubo(['restart', apps.runc, '--wait'], env);
    expect(restarted.code, restarted.stdout + restarted.stderr).toBe(0);
    const after = await runningInstance(apps.runc, 2);
    expect(after.id).not.toBe(before.id);
    expect(await reported(apps.runc, after.id)).toContain(`report env=${sha(ENV_V2)} file=${sha(FILE_VALUE)} `);
    const releases = await client.call('listReleases', { params: { namespace: 'default', app: apps.runc } });
    expect(releases.releases.map((r) => [r.version, r.secrets])).toEqual([
      [2, { TLS_KEY: 1, TOKEN: 2 }],
      [1, { TLS_KEY: 1, TOKEN: 1 }],
    ]);
    const removal = await bubo(['secret', 'rm', 'TOKEN'], env);
    expect(removal.code).toBe(1);
    expect(removal.stderr).toContain(`used by the current release of ${apps.runc}, ${apps.vm}`);
  }, 180_000);
});
