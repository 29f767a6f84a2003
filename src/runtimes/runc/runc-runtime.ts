import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HostRuntime } from '../../domain/runtime-kind.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { type Executor, runCommand } from '../../exec/run-command.js';
import { pathExists } from '../../fs/path-exists.js';
import { waitForFile } from '../../fs/wait-for-file.js';
import type { ImageProvider, PulledImage } from '../../images/image-provider.js';
import type { InstanceNetwork, NetworkProvider } from '../../net/network-provider.js';
import { abortIfAborted } from '../abort-if-aborted.js';
import { attachAndPull } from '../attach-and-pull.js';
import { isInstanceId } from '../instance-id.js';
import { startInstance } from '../instance-start.js';
import { RecordedInstances } from '../recorded-instances.js';
import { describeExit, restartDecision } from '../restart-decision.js';
import { rotateLog } from '../rotate-log.js';
import type { Exec, LogSource, Runtime, RuntimeInstance, StartRequest } from '../runtime.js';
import type { ExecResult } from '../../domain/exec-result.js';
import type { LogLine, LogOptions } from '../../logs/log-line.js';
import { RuntimeExecError, RuntimeStartError, RuntimeStopError } from '../runtime-error.js';
import { waitUntil } from '../wait-until.js';
import { buildRuncSpec, type RuncSpec, RuncSpecError } from '../../oci/build-runc-spec.js';
import { containerSecrets } from '../../oci/container-secrets.js';
import type { ContainerSpec } from '../../domain/task-spec.js';
import { hostsFile, resolvConf } from './instance-files.js';
import { InstanceLayout } from './instance-layout.js';
import { lastRuncError } from './last-runc-error.js';
import { mountedPaths } from './mounted-paths.js';
import { readAccounts } from './read-accounts.js';
import { readContainerLogs } from './read-container-logs.js';
import { mountOverlay, runcDelete, runcKill, runcList, runcRunArgv, runcVersion, shimArgv, unmount } from './runc-commands.js';
import { runcExec } from './runc-exec.js';
import { runcExecArgv } from './runc-exec-argv.js';
import type { RuncContainerRecord, RuncRecord } from './runc-record.js';
import { shimPids } from './shim-pids.js';
import { spawnDetached } from './spawn-detached.js';
import type { StartStep } from './start-step.js';

export interface RuncRuntimeOptions {
  /** Bundles, logs and instance records live in `<stateDir>/instances/<id>/`. */
  stateDir: string;
  images: ImageProvider;
  network: NetworkProvider;
  /** Default: the shared `runCommand`. */
  exec?: Executor;
  /** The runc binary; default `runc`. */
  runc?: string;
  /** Cgroup under which every instance gets `<id>/<container>`; default `/bubo`. */
  cgroupParent?: string;
  /** `rotateLogs` rotates a container log bigger than this; default 10 MiB. */
  logMaxBytes?: number;
  /** Rotated files kept per container (`.1` … `.n`); default 3. */
  logFiles?: number;
  /** Root of the cgroup v1 hierarchies; default `/sys/fs/cgroup` (tests only). */
  cgroupRoot?: string;
  /** Fault injection (tests only): called before each named step of `start` (see `start-step.ts`). */
  faults?: { beforeStep?: (step: StartStep) => void | Promise<void> };
}

type ContainerStatus = { state: 'running'; pid: number } | { state: 'exiting' } | { state: 'exited'; exitCode: number | null };

interface RuncListEntry {
  id: string;
  pid: number;
  status: string;
}

/** How long a container gets to reach `running` after `runc run`. */
const START_DEADLINE_MS = 30_000;
/** A container that ran this long before exiting restarts without backoff next time. */
const HEALTHY_RUN_MS = 10_000;

/**
 * OCI containers under runc. One instance = one network namespace shared by its containers
 * (pod-like); each container is one runc container `<instanceId>-<name>` with its own bundle.
 * Each `runc run` runs in the foreground under a detached shim that records its exit status,
 * so containers keep running, and exit codes are kept, across agent restarts. See README.md.
 */
export class RuncRuntime implements Runtime, LogSource, Exec {
  readonly name = 'runc';
  readonly kind = 'container' as const;
  readonly volumes = 'mount' as const;
  readonly #stateDir: string;
  readonly #images: ImageProvider;
  readonly #network: NetworkProvider;
  readonly #exec: Executor;
  readonly #runc: string;
  readonly #cgroupParent: string;
  readonly #cgroupRoot: string;
  readonly #logMaxBytes: number;
  readonly #logFiles: number;
  /** Instances being stopped; `supervise` leaves them alone (and those being started: `#records.starting`). */
  readonly #busy = new Set<string>();
  readonly #records: RecordedInstances<RuncRecord>;
  readonly #faults: RuncRuntimeOptions['faults'];
  #supervising = false;
  /** Per runc container: restarts since it last ran well, when its exit was noticed, when it was launched. */
  readonly #restarts = new Map<string, { attempt: number; exitedAt: number | null; launchedAt: number }>();

  constructor(options: RuncRuntimeOptions) {
    this.#stateDir = options.stateDir;
    this.#images = options.images;
    this.#network = options.network;
    this.#exec = options.exec ?? runCommand;
    this.#runc = options.runc ?? 'runc';
    this.#cgroupParent = `/${(options.cgroupParent ?? '/bubo').replace(/^\/+|\/+$/g, '')}`;
    this.#cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
    this.#logMaxBytes = options.logMaxBytes ?? 10 * 1024 * 1024;
    this.#logFiles = options.logFiles ?? 3;
    this.#faults = options.faults;
    this.#records = new RecordedInstances<RuncRecord>(this.#stateDir, {
      // A directory without a record (a crash between `mkdir` and the first write): reported and stopped.
      placeholder: (id) => ({ id, app: '', namespace: '', address: null, startedAt: 0, phase: 'starting', containers: [] }),
      images: (record) => Object.fromEntries(record.containers.flatMap((c) => (c.digest ? [[c.name, c.digest] as const] : []))),
    });
  }

  async probe(): Promise<HostRuntime> {
    const base = { name: this.name, kind: this.kind };
    const missing: string[] = [];
    try {
      await this.#exec(runcVersion(this.#runc));
    } catch (error) {
      missing.push(`${this.#runc} --version failed (${(error as Error).message}); install runc`);
    }
    if (process.getuid?.() !== 0) missing.push('the agent is not running as root');
    const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
    if (!/ cgroup2? /.test(mounts)) missing.push('no cgroup filesystem is mounted');
    return missing.length === 0 ? { ...base, available: true } : { ...base, available: false, reason: missing.join('; ') };
  }

  /**
   * The shared start flow (`instance-start.ts`); runc's own steps (`start-step.ts`): network ∥
   * (pull → mount each rootfs), files, then per container spec → launch → wait-running. The phase becomes
   * `started` once every container runs.
   */
  start(request: StartRequest, signal?: AbortSignal): Promise<RuntimeInstance> {
    const { id, spec } = request;
    return startInstance(this, this.#records, request, {
      beforeStep: (step) => this.#step(step),
      record: () => ({
        id,
        app: request.app,
        namespace: request.namespace,
        address: null,
        startedAt: Date.now(),
        phase: 'starting',
        containers: spec.containers.map((c) => ({ name: c.name, runcName: `${id}-${c.name}`, restart: c.restart })),
      }),
      view: (record) => this.#justStarted(record),
      run: async (record) => {
        const layout = new InstanceLayout(this.#stateDir, id);
        // Each rootfs is mounted as soon as its image is known, while the network attaches.
        const afterPull = async (images: PulledImage[]) => {
          for (const [i, container] of spec.containers.entries()) {
            abortIfAborted(id, signal);
            await this.#step('mount');
            await this.#prepareBundle(layout, container.name, images[i] as PulledImage);
          }
        };
        const [network, images] = await attachAndPull(request, record, { network: this.#network, mode: 'netns', images: this.#images, beforeStep: (s) => this.#step(s), afterPull }, signal);
        await this.#records.write(record);
        await this.#runContainers(request, record, network, images, signal);
      },
    });
  }

  async #runContainers(request: StartRequest, record: RuncRecord, network: InstanceNetwork, images: PulledImage[], signal?: AbortSignal): Promise<void> {
    const { id, spec } = request;
    const layout = new InstanceLayout(this.#stateDir, id);
    const hostVolumes = (request.volumes ?? []).map((v) => {
      if (v.hostPath === null) throw RuntimeStartError.of(id, `volume ${v.name} has no host directory to bind-mount (the agent did not mount it)`);
      return { path: v.path, hostPath: v.hostPath };
    });
    await this.#step('files');
    await Promise.all([writeFile(layout.resolvConf, resolvConf(network.dns)), writeFile(layout.hosts, hostsFile(id, network.address))]);
    for (const [i, container] of spec.containers.entries()) {
      abortIfAborted(id, signal);
      const image = images[i] as PulledImage;
      const containerRecord = record.containers[i] as RuncContainerRecord;
      await this.#step('spec');
      let config: RuncSpec;
      try {
        config = buildRuncSpec({
          instanceId: id,
          app: request.app,
          container,
          image: image.config,
          accounts: await readAccounts(image.rootfs),
          resources: spec.resources,
          netnsPath: network.netnsPath,
          cgroupsPath: `${this.#cgroupParent}/${id}/${container.name}`,
          resolvConfPath: layout.resolvConf,
          hostsPath: layout.hosts,
          secrets: request.secrets,
          secretsDir: layout.secretsDir(container.name),
          volumes: hostVolumes,
        });
      } catch (error) {
        if (error instanceof RuncSpecError) throw RuntimeStartError.of(id, error.message);
        throw error;
      }
      await writeSecretFiles(layout, container, request.secrets, config.process.user);
      // It holds the environment secrets: root only. Removed with the instance directory.
      await writePrivateFile(layout.config(container.name), `${JSON.stringify(config, null, 2)}\n`, 0o600);
      await this.#step('launch');
      await this.#launch(layout, containerRecord);
      await this.#step('wait-running');
      await this.#waitRunning(layout, containerRecord, signal);
    }
  }

  imagesInUse(): Promise<Set<string>> {
    return this.#records.imagesInUse();
  }

  /** Nothing to let go of: every runc call is its own process. */
  async close(): Promise<void> {}

  async #step(step: StartStep): Promise<void> {
    await this.#faults?.beforeStep?.(step);
  }

  async stop(id: string, timeoutMs: number): Promise<void> {
    if (!isInstanceId(id)) return;
    const layout = new InstanceLayout(this.#stateDir, id);
    if (!(await pathExists(layout.dir))) return;
    this.#busy.add(id);
    try {
      const record = await this.#records.read(id);
      const containers = record?.containers ?? [];
      const names = containers.map((c) => c.runcName);
      for (const name of names) if ((await this.#runcList()).has(name)) await this.#exec(runcKill(this.#runc, name, 'TERM'));
      const gone = await this.#waitGone(names, timeoutMs);
      if (!gone) {
        for (const name of names) await this.#exec(runcKill(this.#runc, name, 'KILL'));
        await this.#waitGone(names, 5_000);
      }
      for (const name of names) await this.#exec(runcDelete(this.#runc, name));
      await this.#waitShimsGone(layout, names);
      await this.#unmountUnder(layout.dir);
      await this.#removeCgroups(id, containers.map((c) => c.name));
      await this.#network.detach(id);
      await rm(layout.dir, { recursive: true, force: true, maxRetries: 3 });
      for (const name of names) this.#restarts.delete(name);
    } finally {
      this.#busy.delete(id);
    }
  }

  async inspect(id: string): Promise<RuntimeInstance | null> {
    const record = await this.#records.read(id);
    return record ? this.#view(record, await this.#runcList()) : null;
  }

  async list(): Promise<RuntimeInstance[]> {
    const running = await this.#runcList();
    const records = await this.#records.all();
    return Promise.all(records.map((record) => this.#view(record, running)));
  }

  #rotatedAt = 0;

  /**
   * Applies restart policies; the agent calls this every second. A container whose runc `run`
   * has ended is restarted (same bundle, same writable layer) when its policy says so, after a
   * backoff that doubles from 1 s to 30 s. Returns the runc names restarted.
   */

  async supervise(now = Date.now()): Promise<string[]> {
    if (this.#supervising) return []; // A slow round is still going; the next tick catches up.
    this.#supervising = true;
    try {
      const restarted = await this.#superviseOnce(now);
      // Logs are checked every 30 s: stat-ing every log each second is wasted work.
      if (now - this.#rotatedAt >= 30_000) {
        this.#rotatedAt = now;
        await this.rotateLogs();
      }
      return restarted;
    } finally {
      this.#supervising = false;
    }
  }

  async #superviseOnce(now: number): Promise<string[]> {
    const running = await this.#runcList();
    const restarted: string[] = [];
    for (const record of await this.#records.all()) {
      // A start interrupted by a crash is the agent's to stop, not ours to restart.
      if (this.#busy.has(record.id) || this.#records.starting.has(record.id) || record.phase === 'starting') continue;
      const layout = new InstanceLayout(this.#stateDir, record.id);
      for (const container of record.containers) {
        const status = await this.#status(layout, container, running);
        const track = this.#track(container.runcName, now);
        if (status.state === 'running') {
          if (now - track.launchedAt > HEALTHY_RUN_MS) track.attempt = 0;
          continue;
        }
        if (status.state !== 'exited') continue;
        track.exitedAt ??= now;
        const decision = restartDecision(container.restart, status.exitCode, track.attempt, track.exitedAt);
        if (!decision.restart || now < decision.at) continue;
        await this.#exec(runcDelete(this.#runc, container.runcName));
        await this.#launch(layout, container);
        Object.assign(track, { attempt: track.attempt + 1, exitedAt: null, launchedAt: now });
        restarted.push(container.runcName);
      }
    }
    return restarted;
  }

  /** The containers' output files (see `read-container-logs.ts`); nothing for an unknown instance. */
  async *logs(id: string, options: LogOptions): AsyncGenerator<LogLine> {
    const record = await this.#records.read(id);
    if (!record) return;
    const layout = new InstanceLayout(this.#stateDir, id);
    yield* readContainerLogs(layout, record.containers.map((c) => c.name), { ...options, rotatedFiles: this.#logFiles });
  }

  /**
   * `runc exec` of `argv` in a container of the instance (`null`: its first), without a terminal.
   * On timeout the process and everything it started are SIGKILLed and the result is exit 124
   * with "timed out" in the output. Rejects (NotFoundError) for an unknown instance or container;
   * runc's own failures (no such executable, container stopped) are a non-zero exit with runc's
   * reason as output.
   */
  async exec(id: string, container: string | null, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const record = await this.#records.read(id);
    if (!record || record.containers.length === 0) throw new NotFoundError('instance', id, 'it does not run on this host');
    const target = container === null ? record.containers[0] : record.containers.find((c) => c.name === container);
    if (!target) {
      const names = record.containers.map((c) => c.name).join(', ') || 'none';
      throw new NotFoundError('container', container ?? '', `instance ${id} has: ${names}`);
    }
    const [file, ...args] = argv;
    if (file === undefined) throw RuntimeExecError.of(id, 'the command is empty');
    const pidFile = join(new InstanceLayout(this.#stateDir, id).dir, `exec-${randomBytes(6).toString('hex')}.pid`);
    return runcExec(this.#exec, runcExecArgv(this.#runc, target.runcName, pidFile, [file, ...args]), pidFile, timeoutMs);
  }

  /** Copy-truncate rotation of every container log bigger than `logMaxBytes`. */
  async rotateLogs(): Promise<void> {
    for (const record of await this.#records.all()) {
      const layout = new InstanceLayout(this.#stateDir, record.id);
      for (const container of record.containers) await rotateLog(layout.log(container.name), this.#logMaxBytes, this.#logFiles);
    }
  }

  async #prepareBundle(layout: InstanceLayout, container: string, image: PulledImage): Promise<void> {
    for (const dir of [layout.rootfs(container), layout.upper(container), layout.work(container)]) await mkdir(dir, { recursive: true });
    if (!(await mountedPaths()).includes(layout.rootfs(container))) {
      await this.#exec(mountOverlay(image.rootfs, layout.upper(container), layout.work(container), layout.rootfs(container)));
    }
  }

  /** Starts the shim (`sh` → `runc run`) for one container, output appended to its log. */
  async #launch(layout: InstanceLayout, container: RuncContainerRecord): Promise<void> {
    await Promise.all([layout.exitFile(container.name), layout.runcLog(container.name), layout.runcPid(container.name)].map((path) => rm(path, { force: true })));
    const run = runcRunArgv(this.#runc, layout.bundle(container.name), container.runcName, layout.runcLog(container.name), layout.runcPid(container.name));
    const pid = spawnDetached(shimArgv(layout.exitFile(container.name), run), layout.log(container.name));
    await writeFile(layout.shimPid(container.name), `${pid}\n`);
    this.#track(container.runcName, Date.now()).launchedAt = Date.now();
  }

  /** Until runc's pid file (running) or the shim's exit file (it ended, or never started) appears. */
  async #waitRunning(layout: InstanceLayout, container: RuncContainerRecord, signal?: AbortSignal): Promise<void> {
    const pidFile = basename(layout.runcPid(container.name));
    const exitFile = basename(layout.exitFile(container.name));
    const found = await waitForFile(layout.dir, [pidFile, exitFile], START_DEADLINE_MS, signal);
    abortIfAborted(layout.id, signal);
    if (found === pidFile) return;
    if (found === exitFile) {
      const reason = await lastRuncError(layout.runcLog(container.name));
      if (reason) throw RuntimeStartError.of(layout.id, `container "${container.name}": ${reason}`);
      return; // It ran and already exited; inspect and supervise report it.
    }
    throw RuntimeStartError.of(layout.id, `container "${container.name}" was not running after ${START_DEADLINE_MS} ms`);
  }

  /**
   * The instance as its start just saw it: each container runs with the pid runc wrote, unless
   * its exit file says it already ended; null (then `inspect` asks runc) if a container left neither.
   */
  async #justStarted(record: RuncRecord): Promise<RuntimeInstance | null> {
    const layout = new InstanceLayout(this.#stateDir, record.id);
    const running = new Map<string, RuncListEntry>();
    for (const container of record.containers) {
      if (await pathExists(layout.exitFile(container.name))) continue;
      const pid = Number((await readFile(layout.runcPid(container.name), 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(pid) || pid <= 0) return null;
      running.set(container.runcName, { id: container.runcName, pid, status: 'running' });
    }
    return this.#view(record, running);
  }

  async #status(layout: InstanceLayout, container: RuncContainerRecord, running: Map<string, RuncListEntry>): Promise<ContainerStatus> {
    const entry = running.get(container.runcName);
    if (entry && entry.status !== 'stopped') return { state: 'running', pid: entry.pid };
    const exit = await readFile(layout.exitFile(container.name), 'utf8').catch(() => null);
    if (exit !== null && /^\d+\s*$/.test(exit)) return { state: 'exited', exitCode: Number(exit) };
    if (await this.#shimAlive(layout, container.name)) return { state: 'exiting' };
    return { state: 'exited', exitCode: null };
  }

  async #view(record: RuncRecord, running: Map<string, RuncListEntry>): Promise<RuntimeInstance> {
    const interrupted = this.#records.interrupted(record);
    if (interrupted) return interrupted;
    const layout = new InstanceLayout(this.#stateDir, record.id);
    const base = this.#records.base(record);
    const exits: { name: string; exitCode: number | null }[] = [];
    let alive = false;
    for (const container of record.containers) {
      const status = await this.#status(layout, container, running);
      if (status.state !== 'exited') alive = true;
      else if (restartDecision(container.restart, status.exitCode, 0, 0).restart) alive = true;
      else exits.push({ name: container.name, exitCode: status.exitCode });
    }
    if (alive || record.containers.length === 0) return { ...base, state: 'running', exitCode: null, message: '' };
    const failed = exits.find((e) => e.exitCode !== 0);
    return {
      ...base,
      state: 'exited',
      exitCode: failed ? failed.exitCode : 0,
      message: exits.map((e) => `container ${e.name} ${describeExit(e.exitCode)}`).join('; '),
    };
  }

  #track(runcName: string, now: number) {
    let track = this.#restarts.get(runcName);
    if (!track) {
      track = { attempt: 0, exitedAt: null, launchedAt: now };
      this.#restarts.set(runcName, track);
    }
    return track;
  }

  async #runcList(): Promise<Map<string, RuncListEntry>> {
    // `runc list` fails when a container's state directory vanishes while it reads it (runc is
    // deleting a container that just exited); the next read sees a consistent set.
    const { stdout } = await this.#exec(runcList(this.#runc)).catch(async (error: unknown) => {
      if (!/no such file or directory/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 50));
      return this.#exec(runcList(this.#runc));
    });
    const entries = (JSON.parse(stdout.trim() || 'null') as RuncListEntry[] | null) ?? [];
    return new Map(entries.map((e) => [e.id, e]));
  }

  /**
   * Waits until no shim of the instance runs. A shim launched just before a crash may still be
   * creating its container when `stop` kills: such a container is killed and deleted again.
   */
  async #waitShimsGone(layout: InstanceLayout, names: string[]): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (await waitUntil(async () => (await shimPids(layout.dir)).length === 0, 3_000, 50)) return;
      if (Date.now() > deadline) throw RuntimeStopError.of(layout.id, `its shims are still running: ${(await shimPids(layout.dir)).join(', ')}`);
      for (const name of names) {
        await this.#exec(runcKill(this.#runc, name, 'KILL'));
        await this.#exec(runcDelete(this.#runc, name));
      }
    }
  }

  /** True when none of `names` is still running (or stopped but undeleted) by `timeoutMs`. */
  #waitGone(names: string[], timeoutMs: number): Promise<boolean> {
    return waitUntil(async () => {
      const list = await this.#runcList();
      return names.every((n) => list.get(n)?.status !== 'running' && list.get(n)?.status !== 'created');
    }, timeoutMs, 50);
  }

  async #shimAlive(layout: InstanceLayout, container: string): Promise<boolean> {
    const pid = Number((await readFile(layout.shimPid(container), 'utf8').catch(() => '')).trim());
    if (!pid) return false;
    // The pid must still be our shim, not a recycled pid.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmdline.includes('bubo-runc-shim') && cmdline.includes(layout.exitFile(container));
  }

  /** Unmounts every mount at or below `dir`, deepest first (the overlays, and any leftovers). */
  async #unmountUnder(dir: string): Promise<void> {
    const targets = (await mountedPaths()).filter((p) => p === dir || p.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
    for (const target of targets) await this.#exec(unmount(target));
  }

  /** runc removes a container's own cgroup, never its parents (PLATFORM §3): remove `<parent>/<id>` here. */
  async #removeCgroups(id: string, containers: string[]): Promise<void> {
    const controllers = await readdir(this.#cgroupRoot).catch(() => [] as string[]);
    for (const controller of controllers) {
      const instanceDir = join(this.#cgroupRoot, controller, this.#cgroupParent, id);
      for (const dir of [...containers.map((c) => join(instanceDir, c)), instanceDir]) {
        await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') throw error;
        });
      }
    }
  }
}

/**
 * The container's file secrets, `<bundle>/secrets/<NAME>`: owned by the container's resolved
 * user, 0400, so a non-root user reads it through its read-only bind mount (config.json). The
 * directory is root's (0700): runc resolves a bind mount's source as root, before the container
 * exists, so the container never needs to reach it.
 */
async function writeSecretFiles(layout: InstanceLayout, container: ContainerSpec, values: Readonly<Record<string, string>>, owner: { uid: number; gid: number }): Promise<void> {
  const { files } = containerSecrets(container, values);
  const dir = layout.secretsDir(container.name);
  await rm(dir, { recursive: true, force: true });
  if (files.length === 0) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const file of files) {
    const path = join(dir, file.name);
    await writePrivateFile(path, file.value, 0o400);
    await chown(path, owner.uid, owner.gid);
  }
}

/** Writes `content` to a new file created with `mode` (any old file is removed first, so no wider mode survives). */
async function writePrivateFile(path: string, content: string, mode: number): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, content, { mode, flag: 'wx' });
  await chmod(path, mode); // the umask may have narrowed it further; make it exact
}
