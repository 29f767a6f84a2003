import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { filesHolding } from '../../../test/support/files-holding.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Executor, runCommand } from '../../exec/run-command.js';
import type { ImageProvider, PulledImage } from '../../images/image-provider.js';
import type { InstanceNetwork, NetworkProvider } from '../../net/network-provider.js';
import type { ContainerSpec, TaskSpec } from '../../domain/task-spec.js';
import { RuntimeStartError, type StartRequest } from '../runtime.js';
import { SimulatedCrash } from '../simulated-crash.js';
import { START_INTERRUPTED } from '../recorded-instances.js';
import { RuncRuntime } from './runc-runtime.js';
import { START_STEPS, type StartStep } from './start-step.js';

const canRun = process.getuid?.() === 0 && existsSync('/bin/busybox') && hasRunc();
const run = randomBytes(3).toString('hex');
const cgroupParent = `/bubo-test-${run}`;

function hasRunc(): boolean {
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The "image": a busybox rootfs built in a temp dir; the real image cache is not under test here. */
class TestImages implements ImageProvider {
  constructor(readonly rootfs: string) {}
  async pull(reference: string): Promise<PulledImage> {
    return { reference, digest: 'sha256:test', rootfs: this.rootfs, config: { Cmd: ['/bin/sh'], Env: ['PATH=/bin'], WorkingDir: '/' } };
  }
}

/** One real netns per instance with only `lo` up; the instance's address is 127.0.0.1. */
class TestNetwork implements NetworkProvider {
  readonly namespaces = new Map<string, string>();
  async setupHost(): Promise<void> {}
  async attach(instanceId: string): Promise<InstanceNetwork> {
    let netns = this.namespaces.get(instanceId);
    if (!netns) {
      netns = `bubo-rt-${randomBytes(4).toString('hex')}`;
      execFileSync('ip', ['netns', 'add', netns]);
      execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
      this.namespaces.set(instanceId, netns);
    }
    return { instanceId, netnsPath: `/var/run/netns/${netns}`, hostInterface: '', address: '127.0.0.1', prefixLength: 8, gateway: '127.0.0.1', dns: '127.0.0.1', mtu: 1500 };
  }
  async detach(instanceId: string): Promise<void> {
    const netns = this.namespaces.get(instanceId);
    if (netns) execFileSync('ip', ['netns', 'del', netns]);
    this.namespaces.delete(instanceId);
  }
  async list(): Promise<string[]> {
    return [...this.namespaces.keys()];
  }
}

function buildRootfs(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  for (const tool of ['sh', 'httpd', 'sleep', 'cat', 'wget', 'id', 'pwd', 'env', 'echo']) symlinkSync('busybox', join(dir, 'bin', tool));
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www/index.html'), 'hello from bubo\n');
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:34:www:/www:/bin/sh\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nwww:x:34:\n');
}

function container(name: string, command: string[], over: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name, image: 'test/busybox:1', command, args: null, env: {}, workdir: null, user: null, secrets: [], restart: 'always', stop_timeout_ms: 1000, ...over };
}

function request(id: string, containers: ContainerSpec[], memoryMib = 64): StartRequest {
  const spec: TaskSpec = {
    app: 'rt',
    namespace: 'default',
    group: 'main',
    count: 1,
    runtime: 'container',
    resources: { cpus: 1, memory_mib: memoryMib, disk_mib: 100 },
    containers,
    ports: [],
    check: null,
    deploy: { strategy: 'rolling', max_unavailable: 1, max_surge: 1, healthy_deadline_ms: 60_000, drain_delay_ms: 2_000, switch_grace_ms: 30_000 },
    volumes: [],
  };
  return { id, app: 'rt', namespace: 'default', release: 1, slot: 0, spec, secrets: {} };
}

function runcPid(name: string): number {
  return (JSON.parse(execFileSync('runc', ['state', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { pid: number }).pid;
}

function runcNames(): string[] {
  const list = JSON.parse(execFileSync('runc', ['list', '--format', 'json'], { encoding: 'utf8' }).trim() || 'null') as { id: string }[] | null;
  return (list ?? []).map((c) => c.id);
}

async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`still ${String(value)} after ${timeoutMs} ms`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function wgetIn(netns: string, url: string): string {
  return execFileSync('ip', ['netns', 'exec', netns, 'timeout', '3', '/bin/busybox', 'wget', '-q', '-O', '-', url], { encoding: 'utf8' });
}

// Real runc on a 2-core machine: a start, a crash and a stop take seconds when the machine is busy.
describe.skipIf(!canRun)('RuncRuntime with real runc', { timeout: 30_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'bubo-runc-'));
  const stateDir = join(work, 'state');
  const rootfs = join(work, 'image-rootfs');
  const network = new TestNetwork();
  const images = new TestImages(rootfs);
  const runtime = new RuncRuntime({ stateDir, images, network, cgroupParent, exec: runCommand });
  const id = (name: string) => `rt${run}-${name}`;
  const logOf = (instance: string, c: string) => join(stateDir, 'instances', instance, `${c}.log`);

  beforeAll(() => buildRootfs(rootfs));

  afterAll(() => {
    for (const name of runcNames().filter((n) => n.startsWith(`rt${run}-`))) execFileSync('runc', ['delete', '--force', name]);
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '');
    for (const target of mounts.filter((m) => m.startsWith(work)).sort((a, b) => b.length - a.length)) execFileSync('umount', [target]);
    for (const controller of readdirSync('/sys/fs/cgroup')) removeCgroupTree(join('/sys/fs/cgroup', controller, cgroupParent));
    for (const netns of network.namespaces.values()) execFileSync('ip', ['netns', 'del', netns]);
    rmSync(work, { recursive: true, force: true });
  });

  it('reports itself available as root with runc installed', async () => {
    expect(await runtime.probe()).toEqual({ name: 'runc', kind: 'container', available: true });
  });

  it('serves HTTP from a busybox httpd container, and a second container of the instance reaches it over the shared network', async () => {
    const instance = id('http');
    const started = await runtime.start(
      request(instance, [
        container('web', ['/bin/httpd', '-f', '-p', '8080', '-h', '/www']),
        container('client', ['/bin/sh', '-c', 'while :; do wget -q -O - http://127.0.0.1:8080/; sleep 0.3; done']),
      ]),
    );
    expect(started).toMatchObject({ id: instance, state: 'running', address: '127.0.0.1' });
    const netns = network.namespaces.get(instance)!;
    expect(await eventually(() => wgetIn(netns, 'http://127.0.0.1:8080/'))).toBe('hello from bubo\n');
    await eventually(() => readFileSync(logOf(instance, 'client'), 'utf8').includes('hello from bubo'));
    await runtime.stop(instance, 300);
    expect(await runtime.inspect(instance)).toBeNull();
  });

  it('applies env, workdir and user overrides and the memory limit', async () => {
    const instance = id('env');
    await runtime.start(
      request(instance, [container('show', ['/bin/sh', '-c', 'id; pwd; env; sleep 1000'], { user: 'www', workdir: '/www', env: { FOO: 'bar' } })], 48),
    );
    const log = await eventually(() => {
      const text = readFileSync(logOf(instance, 'show'), 'utf8');
      return text.includes('BUBO_APP') && text;
    });
    expect(log).toMatch(/uid=33\(www\) gid=34\(www\)/);
    expect(log).toMatch(/^\/www$/m);
    expect(log).toContain('FOO=bar');
    expect(log).toContain(`HOSTNAME=${instance}`);
    expect(log).toContain(`BUBO_INSTANCE=${instance}`);
    expect(readFileSync(`/sys/fs/cgroup/memory${cgroupParent}/${instance}/show/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(48 * 1024 * 1024));
    await runtime.stop(instance, 0);
    expect(existsSync(`/sys/fs/cgroup/memory${cgroupParent}/${instance}`)).toBe(false);
  });

  it('restarts a killed container under always and reports exited under never', async () => {
    const instance = id('crash');
    await runtime.start(
      request(instance, [container('keep', ['/bin/sleep', '1000']), container('once', ['/bin/sleep', '1000'], { restart: 'never' })]),
    );
    const keepPid = runcPid(`${instance}-keep`);
    process.kill(keepPid, 'SIGKILL');
    process.kill(runcPid(`${instance}-once`), 'SIGKILL');
    await eventually(async () => (await runtime.supervise()).includes(`${instance}-keep`), 5000);
    const newPid = await eventually(() => runcPid(`${instance}-keep`));
    expect(newPid).not.toBe(keepPid);
    expect((await runtime.inspect(instance))?.state).toBe('running');
    process.kill(newPid, 'SIGKILL');
    await runtime.stop(instance, 0);

    const lone = id('never');
    await runtime.start(request(lone, [container('only', ['/bin/sleep', '1000'], { restart: 'never' })]));
    process.kill(runcPid(`${lone}-only`), 'SIGKILL');
    const exited = await eventually(async () => {
      const view = await runtime.inspect(lone);
      return view?.state === 'exited' && view;
    });
    expect(exited).toMatchObject({ exitCode: 137, message: 'container only was killed by signal 9 (exit 137)' });
    expect(await runtime.supervise()).toEqual([]);
    await runtime.stop(lone, 0);
  });

  it('delivers SIGTERM on stop before removing the container', async () => {
    const instance = id('term');
    await runtime.start(request(instance, [container('trap', ['/bin/sh', '-c', 'trap "echo got TERM; exit 0" TERM; echo ready; while :; do sleep 0.2; done'])]));
    await eventually(() => readFileSync(logOf(instance, 'trap'), 'utf8').includes('ready'));
    // Keep the log open: stop removes the instance directory, an open descriptor still reads it.
    const fd = openSync(logOf(instance, 'trap'), 'r');
    const before = Date.now();
    await runtime.stop(instance, 5000);
    expect(Date.now() - before).toBeLessThan(4000);
    const buffer = Buffer.alloc(4096);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, 4096, 0)).toString();
    closeSync(fd);
    expect(text).toContain('got TERM');
    expect(existsSync(join(stateDir, 'instances', instance))).toBe(false);
  });

  it("fails a missing entrypoint with runc's reason and leaves nothing behind", async () => {
    const instance = id('nope');
    const error = await runtime
      .start(request(instance, [container('ok', ['/bin/sleep', '1000']), container('bad', ['/nope'])]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeStartError);
    expect((error as Error).message).toContain('exec: "/nope": stat /nope: no such file or directory');
    expect(runcNames().filter((n) => n.startsWith(instance))).toEqual([]);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(join(stateDir, 'instances', instance));
    expect(existsSync(`/sys/fs/cgroup/memory${cgroupParent}/${instance}`)).toBe(false);
    expect(network.namespaces.has(instance)).toBe(false);
    expect(existsSync(join(stateDir, 'instances', instance))).toBe(false);
  });

  it('re-adopts running instances from the state directory without restarting them', async () => {
    const instance = id('adopt');
    await runtime.start(request(instance, [container('main', ['/bin/sleep', '1000'])]));
    const pid = runcPid(`${instance}-main`);
    const again = new RuncRuntime({ stateDir, images, network, cgroupParent });
    expect((await again.list()).find((i) => i.id === instance)).toMatchObject({ state: 'running', address: '127.0.0.1' });
    expect(await again.supervise()).toEqual([]);
    expect(runcPid(`${instance}-main`)).toBe(pid);
    await again.stop(instance, 0);
    expect(await runtime.inspect(instance)).toBeNull();
    await again.stop(instance, 0); // idempotent
    await again.stop('rt-never-started', 0);
  });

  it('rotates a container log by copy-truncate while the container keeps appending', async () => {
    const small = new RuncRuntime({ stateDir, images, network, cgroupParent, logMaxBytes: 200, logFiles: 2 });
    const instance = id('logs');
    await small.start(request(instance, [container('talk', ['/bin/sh', '-c', 'i=0; while :; do echo line-$i; i=$((i+1)); sleep 0.02; done'])]));
    const log = logOf(instance, 'talk');
    await eventually(() => statSync(log).size > 300);
    await small.rotateLogs();
    expect(readFileSync(`${log}.1`, 'utf8')).toMatch(/^line-0\n/);
    await eventually(() => readFileSync(log, 'utf8').includes('line-'));
    expect(statSync(log).size).toBeLessThan(statSync(`${log}.1`).size);
    await small.stop(instance, 0);
  });

  it('records the image digest of each container and reports it, and the images in use', async () => {
    const instance = id('digest');
    const started = await runtime.start(request(instance, [container('main', ['/bin/sleep', '1000'])]));
    expect(started.images).toEqual({ main: 'sha256:test' });
    expect((await runtime.inspect(instance))?.images).toEqual({ main: 'sha256:test' });
    const again = new RuncRuntime({ stateDir, images, network, cgroupParent });
    expect((await again.list()).find((i) => i.id === instance)?.images).toEqual({ main: 'sha256:test' });
    expect(await again.imagesInUse()).toEqual(new Set(['sha256:test']));
    await again.stop(instance, 0);
    expect(await again.imagesInUse()).toEqual(new Set());
  });

  it('runs commands in a running container with exec, and kills what they started on timeout', async () => {
    const instance = id('exec');
    await runtime.start(request(instance, [container('main', ['/bin/sleep', '1000']), container('side', ['/bin/sleep', '1000'], { env: { SIDE: 'yes' } })]));
    const hosts = await runtime.exec(instance, null, ['cat', '/etc/hosts'], 5000);
    expect(hosts.exitCode).toBe(0);
    expect(hosts.output).toContain(`127.0.0.1\t${instance}`);
    expect(await runtime.exec(instance, null, ['sh', '-c', 'echo failing; exit 3'], 5000)).toEqual({ exitCode: 3, output: 'failing\n' });
    expect(await runtime.exec(instance, 'side', ['sh', '-c', 'echo $SIDE'], 5000)).toEqual({ exitCode: 0, output: 'yes\n' });
    const missing = await runtime.exec(instance, null, ['/nope'], 5000);
    expect(missing.exitCode).not.toBe(0);
    expect(missing.output).toContain('/nope');

    const before = Date.now();
    const slow = await runtime.exec(instance, null, ['sh', '-c', 'sleep 30; echo never'], 300);
    expect(slow).toEqual({ exitCode: 124, output: 'timed out after 300 ms' });
    expect(Date.now() - before).toBeLessThan(3000);
    // Neither the shell nor its sleep survives: only the container's own process is left in its cgroup.
    const procs = `/sys/fs/cgroup/pids${cgroupParent}/${instance}/main/cgroup.procs`;
    await eventually(() => readFileSync(procs, 'utf8').trim().split('\n').length === 1);
    expect(readdirSync(join(stateDir, 'instances', instance)).filter((f) => f.startsWith('exec-'))).toEqual([]);

    await expect(runtime.exec(instance, 'nope', ['true'], 1000)).rejects.toThrow(`container "nope" not found; instance ${instance} has: main, side`);
    await runtime.stop(instance, 0);
    await expect(runtime.exec(instance, null, ['true'], 1000)).rejects.toThrow(`instance "${instance}" not found; it does not run on this host`);
  });

  it('delivers an env secret through config.json (0600) and a file secret as a read-only file of the container user, and nowhere else', async () => {
    const instance = id('secrets');
    const envMarker = `bubo-env-marker-${randomBytes(8).toString('hex')}`;
    const fileMarker = `bubo-file-marker-${randomBytes(8).toString('hex')}\nline 2`;
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    // The containers print hashes, not the values: their logs are files of the state dir too.
    const show = [
      'printf %s "$API_TOKEN" | busybox sha256sum',
      'busybox sha256sum < /run/secrets/tls.key',
      'busybox stat -c "mode=%a owner=%u:%g" /run/secrets/tls.key',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template.
      'echo "in env: ${TLS_KEY:-no}"',
      '(echo x >> /run/secrets/tls.key) 2>&1 || echo write refused',
      'echo shown; sleep 1000',
    ].join('; ');
    const argvs: string[] = [];
    const recording: Executor = (command, signal) => {
      argvs.push(command.argv.join(' '));
      return runCommand(command, signal);
    };
    const secretRuntime = new RuncRuntime({ stateDir, images, network, cgroupParent, exec: recording });
    const secrets = [
      { name: 'API_TOKEN', file: null },
      { name: 'TLS_KEY', file: '/run/secrets/tls.key' }, // /run does not exist in the image
    ];
    const start = request(instance, [
      container('app', ['/bin/sh', '-c', show], { user: 'www', env: { API_TOKEN: 'from-task-env' }, secrets }),
      // As root (CAP_DAC_OVERRIDE), only the read-only mount stops a write.
      container('root', ['/bin/sh', '-c', show], { secrets }),
    ]);
    await secretRuntime.start({ ...start, secrets: { API_TOKEN: envMarker, TLS_KEY: fileMarker, OTHER: 'not-for-this-instance' } });
    try {
      const logs = await eventually(() => {
        const texts = ['app', 'root'].map((c) => readFileSync(logOf(instance, c), 'utf8'));
        return texts.every((t) => t.includes('shown')) && texts;
      }) as string[];
      for (const [log, owner, write] of [
        [logs[0], '33:34', /Permission denied/],
        [logs[1], '0:0', /Read-only file system/],
      ] as const) {
        expect(log).toContain(`${sha(envMarker)}  -\n${sha(fileMarker)}  -\nmode=400 owner=${owner}\nin env: no\n`);
        expect(log).toMatch(write);
        expect(log).toContain('write refused');
      }
      const dir = join(stateDir, 'instances', instance);
      for (const c of ['app', 'root']) {
        expect(statSync(join(dir, c, 'config.json')).mode & 0o777).toBe(0o600);
        expect(statSync(join(dir, c, 'secrets', 'TLS_KEY')).mode & 0o777).toBe(0o400);
      }
      expect(readFileSync(join(dir, 'app', 'secrets', 'TLS_KEY'), 'utf8')).toBe(fileMarker);
      // Not on any command line while it runs (the shims, runc, the containers), nor in any argv the runtime ran.
      const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
      expect(ps).toContain(`run --bundle ${join(dir, 'app')}`);
      for (const marker of [envMarker, fileMarker.split('\n')[0] as string]) {
        expect(ps).not.toContain(marker);
        expect(argvs.join('\n')).not.toContain(marker);
      }
      // In the state dir: the env secret only in config.json, the file secret only in its file;
      // in runc's own state (runc root /run/runc): nothing of either.
      const fileLine = fileMarker.split('\n')[0] as string;
      expect(filesHolding(dir, envMarker)).toEqual(['app/config.json', 'root/config.json']);
      expect(filesHolding(dir, fileLine)).toEqual(['app/secrets/TLS_KEY', 'root/secrets/TLS_KEY']);
      expect(filesHolding(stateDir, envMarker).filter((p) => !p.startsWith(`instances/${instance}/`))).toEqual([]);
      expect(filesHolding(stateDir, fileLine).filter((p) => !p.startsWith(`instances/${instance}/`))).toEqual([]);
      for (const c of ['app', 'root']) for (const marker of [envMarker, fileLine]) expect(filesHolding(join('/run/runc', `${instance}-${c}`), marker)).toEqual([]);
    } finally {
      await secretRuntime.stop(instance, 0);
    }
    expect(existsSync(join(stateDir, 'instances', instance))).toBe(false);
  });

  it('refuses a start whose container names a secret without a value, naming it and no value', async () => {
    const instance = id('nosecret');
    const start = request(instance, [container('app', ['/bin/sleep', '1000'], { secrets: [{ name: 'API_TOKEN', file: null }, { name: 'TLS_KEY', file: '/k' }] })]);
    const error = await runtime.start({ ...start, secrets: { API_TOKEN: 'value-of-the-token' } }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(RuntimeStartError);
    expect(error.message).toBe(`Cannot start instance ${instance}: container "app": secret TLS_KEY has no value`);
    expect(existsSync(join(stateDir, 'instances', instance))).toBe(false);
  });

  describe('after a crash of the agent before each step of start', () => {
    const perContainer = new Set<StartStep>(['mount', 'spec', 'launch', 'wait-running']);
    const containers = () => [container('a', ['/bin/sleep', '1000']), container('b', ['/bin/sleep', '1000'])];
    /** Starts and "dies" before `step` (before its second run for per-container steps: container a is then done). */
    async function crashBefore(instance: string, step: StartStep): Promise<void> {
      let seen = 0;
      const beforeStep = (s: StartStep) => {
        if (s === step && ++seen === (perContainer.has(step) ? 2 : 1)) throw new SimulatedCrash(step);
      };
      const dying = new RuncRuntime({ stateDir, images, network, cgroupParent, faults: { beforeStep } });
      await expect(dying.start(request(instance, containers()))).rejects.toBeInstanceOf(SimulatedCrash);
    }
    function expectNothingLeft(instance: string): void {
      expect(runcNames().filter((n) => n.startsWith(`${instance}-`))).toEqual([]);
      expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(join(stateDir, 'instances', instance));
      expect(network.namespaces.has(instance)).toBe(false);
      for (const controller of readdirSync('/sys/fs/cgroup')) expect(existsSync(join('/sys/fs/cgroup', controller, cgroupParent, instance))).toBe(false);
      expect(existsSync(join(stateDir, 'instances', instance))).toBe(false);
    }

    it.each(START_STEPS)('before %s: a new runtime reports it interrupted, stop removes everything, and start runs it once', async (step) => {
      const instance = id(`x-${step}`);
      await crashBefore(instance, step);
      const fresh = new RuncRuntime({ stateDir, images, network, cgroupParent });
      const seen = (await fresh.list()).find((i) => i.id === instance);
      if (step === 'record') expect(seen).toBeUndefined();
      else expect(seen).toMatchObject({ state: 'exited', exitCode: null, message: START_INTERRUPTED });
      expect(await fresh.supervise()).toEqual([]);
      await fresh.stop(instance, 0);
      expectNothingLeft(instance);

      await crashBefore(instance, step);
      const started = await fresh.start(request(instance, containers()));
      expect(started).toMatchObject({ state: 'running', address: '127.0.0.1', images: { a: 'sha256:test', b: 'sha256:test' } });
      expect(runcNames().filter((n) => n.startsWith(`${instance}-`)).sort()).toEqual([`${instance}-a`, `${instance}-b`]);
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.includes(join(stateDir, 'instances', instance)));
      expect(mounts).toHaveLength(2);
      expect((await fresh.list()).find((i) => i.id === instance)?.state).toBe('running');
      await fresh.stop(instance, 0);
      expectNothingLeft(instance);
    });
  });
});

function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeCgroupTree(join(dir, entry.name));
  rmdirSync(dir);
}
