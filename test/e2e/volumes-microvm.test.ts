import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { AgentProcess } from '../support/agent-process.js';
import { cleanupAgentState } from '../support/cleanup-agent-state.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { runBuboWithInput as bubo } from '../support/run-bubo.js';
import { freePort, ServerProcess, waitFor } from '../support/server-process.js';
import { type PushedTestImages, pushTestImages } from '../support/test-images.js';

const run = promisify(execFile);
const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64') && existsSync('/dev/net/tun');

/**
 * Each boot appends a line to the volume and reports how many there are (as in volumes.test.ts);
 * then it writes a tick to the volume every half second and says so, so a filesystem left frozen
 * would show as ticks that stop.
 */
function task(release: number): (image: string) => string {
  const script = `echo "boot ${release}" >> /data/boots; echo "report boots=$(wc -l < /data/boots)"; trap 'exit 0' TERM; while :; do echo t >> /data/ticks && echo "tick $(wc -l < /data/ticks)"; usleep 500000; done`;
  return (image) => `app = "vmvol"
group = "local"
count = 1
runtime = "microvm"

[resources]
cpus = 0.25
memory = "128MiB"
disk = "64MiB"

[[containers]]
name = "main"
image = "${image}"
command = ["sh", "-c", ${JSON.stringify(script)}]
env = { RELEASE = "${release}" }
stop_timeout = "5s"

[[volumes]]
name = "data"
size = "32MiB"
path = "/data"

[deploy]
drain_delay = "0s"
`;
}

/** Live QEMU processes whose `-pidfile` lies under `dir`. */
async function qemusUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = argv.indexOf('-pidfile');
    if (at > 0 && argv[at + 1]?.startsWith(`${dir}/`)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Volumes in QEMU microVMs through the real product: `bubo server`, `bubo agent --runtime qemu`
 * with the `file` driver, the real guest kit under TCG. The slot's ext4 image is the VM's virtio
 * disk (found by its serial, mounted by the guest init at the task's path; the host lets go of
 * its own mount), and the data survives a new release (in place) and stop and start. A snapshot
 * and a backup of the running VM's disk are taken with the guest's filesystem frozen for the copy
 * (and thawed after: the guest keeps writing), and the snapshot restores.
 */
describe.skipIf(!canRun)('volumes as virtio disks of QEMU microVMs', () => {
  let dir: string;
  let agentDir: string;
  let registry: Registry;
  let server: ServerProcess;
  let agent: AgentProcess;
  let client: ApiClient;
  let images: PushedTestImages;
  let env: Record<string, string>;
  const bridge = `bvm${process.pid % 100000}`;

  const status = () => client.call('getApp', { params: { namespace: 'default', app: 'vmvol' } });
  const cli = (...args: string[]) => bubo(args, env);
  const running = (release?: number) =>
    waitFor(
      `vmvol${release ? ` release ${release}` : ''} running`,
      async () => (await status()).instances.find((i) => i.state === 'running' && i.desired === 'run' && (release === undefined || i.release === release)),
      180_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; agent: ${agent.output.slice(-3000)}`);
    });
  const stopped = () => waitFor('vmvol stopped', async () => (await status()).instances.every((i) => ['stopped', 'failed', 'lost'].includes(i.state)), 90_000);
  const boots = (instance: string) =>
    waitFor(
      `the report of ${instance}`,
      async () => {
        let last: string | undefined;
        for await (const line of await client.stream('appLogs', { params: { namespace: 'default', app: 'vmvol' }, query: { tail: 1000, instance } })) {
          if ('line' in line && line.line.startsWith('report ')) last = line.line;
        }
        return last;
      },
      60_000,
    );
  /** The last tick the instance logged. */
  const lastTick = async (instance: string) => {
    let last = 0;
    for await (const line of await client.stream('appLogs', { params: { namespace: 'default', app: 'vmvol' }, query: { tail: 5, instance } })) {
      const match = 'line' in line ? /^tick (\d+)$/.exec(line.line) : null;
      if (match) last = Number(match[1]);
    }
    return last;
  };
  const deploy = async (release: number) => {
    const file = join(dir, `vmvol-${release}.toml`);
    await writeFile(file, task(release)(images.httpdV1));
    const deployed = await cli('deploy', file);
    expect(deployed.code, deployed.stderr).toBe(0);
  };
  const hostMounts = async () => (await readFile('/proc/self/mounts', 'utf8')).split('\n').filter((l) => l.includes(`${agentDir}/volumes/`));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bubo-vmvol-'));
    agentDir = join(dir, 'agent');
    registry = await startRegistry();
    images = await pushTestImages(registry);
    server = new ServerProcess(join(dir, 'server'), await freePort(), ['--cluster-cidr', '10.224.0.0/16']);
    await server.start();
    const token = (await readFile(join(dir, 'server', 'admin.token'), 'utf8')).trim();
    env = { BUBO_ADDR: server.url, BUBO_TOKEN: token };
    client = new ApiClient({ baseUrl: server.url, token });
    agent = new AgentProcess(
      ['--server', server.url, '--group', 'local', '--name', 'vvh1', '--state-dir', agentDir, '--bridge', bridge, '--address', '127.0.0.1', '--agent-listen', '127.0.0.1:0', '--runtime', 'qemu'],
      { BUBO_TOKEN: token },
    );
    await agent.start();
  }, 300_000);

  afterAll(async () => {
    await client?.call('destroyApp', { params: { namespace: 'default', app: 'vmvol' } }).catch(() => {});
    if (client) await waitFor('the app to be gone', async () => (await client.call('listApps', { query: {} })).apps.length === 0, 60_000).catch(() => {});
    await agent?.signal('SIGTERM');
    await server?.stop();
    await registry?.stop();
    if (agentDir) {
      for (const pid of await qemusUnder(agentDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      for (const line of await hostMounts().catch(() => [])) await run('umount', [line.split(' ')[1] as string]).catch(() => {});
      await cleanupAgentState(agentDir, bridge);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('gives the VM its volume as a disk and keeps the data across a new release, rolled in place', async () => {
    await deploy(1);
    const first = await running(1);
    expect(await boots(first.id)).toBe('report boots=1');
    // The guest kernel has the filesystem mounted: the host must not.
    expect(await hostMounts()).toEqual([]);
    const argv = (await readFile(join(agentDir, 'qemu', 'instances', first.id, 'qemu.argv'), 'utf8').catch(() => '')).split('\n');
    expect(argv.some((a) => a.endsWith(',serial=bubo-vol0'))).toBe(true);

    await deploy(2);
    let most = 0;
    const second = await waitFor(
      'release 2 running',
      async () => {
        const { instances } = await status();
        most = Math.max(most, instances.filter((i) => i.state === 'starting' || i.state === 'running').length);
        return instances.find((i) => i.release === 2 && i.state === 'running');
      },
      180_000,
    );
    expect(most).toBe(1);
    expect(await boots(second.id)).toBe('report boots=2');
  }, 360_000);

  it('snapshots and backs up the disk of the running VM (frozen by its guest for the copy, thawed after), and restores the snapshot', async () => {
    const live = await running(2);
    const snap = await cli('volume', 'snapshot', 'vmvol/data', '--name', 'two');
    expect(snap.code, snap.stderr).toBe(0);
    const backup = await cli('volume', 'backup', 'vmvol/data', '--to', join(dir, 'backups'), '--json');
    expect(backup.code, backup.stderr).toBe(0);
    // The guest writes on: its filesystem was thawed.
    const after = await lastTick(live.id);
    await waitFor('ticks after the snapshot', async () => (await lastTick(live.id)) > after + 2, 30_000);

    expect((await cli('stop', 'vmvol')).code).toBe(0);
    await stopped();
    expect((await cli('scale', 'vmvol', '1')).code).toBe(0);
    const third = await running();
    expect(await boots(third.id)).toBe('report boots=3');

    expect((await cli('stop', 'vmvol')).code).toBe(0);
    await stopped();
    const restored = await cli('volume', 'restore', 'vmvol/data', '--snapshot', 'two');
    expect(restored.code, restored.stderr).toBe(0);
    expect((await cli('scale', 'vmvol', '1')).code).toBe(0);
    const fourth = await running();
    // The snapshot held two boots; the start after the restore adds one.
    expect(await boots(fourth.id)).toBe('report boots=3');
  }, 480_000);
});
