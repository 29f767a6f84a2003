
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { HostRuntime } from '../../domain/runtime-kind.js';
import { CommandError } from '../../exec/command-error.js';
import { type Executor, runCommand } from '../../exec/run-command.js';
import { pathExists } from '../../fs/path-exists.js';
import type { ImageProvider, PulledImage } from '../../images/image-provider.js';
import { SerialQueue } from '../../images/serial-queue.js';
import type { InstanceNetwork, NetworkProvider } from '../../net/network-provider.js';
import { RunConfigError } from '../../vm/build-run-config.js';
import { instanceRunConfig } from '../../vm/instance-run-config.js';
import { type RunConfig, volumeSerial } from '../../vm/run-config.js';
import { abortIfAborted } from '../abort-if-aborted.js';
import { attachAndPull } from '../attach-and-pull.js';
import { memoryFor, vcpusFor } from '../guest-sizing.js';
import { isInstanceId } from '../instance-id.js';
import { instanceMac } from '../instance-mac.js';
import { startInstance } from '../instance-start.js';
import { RecordedInstances } from '../recorded-instances.js';
import { rotateLog } from '../rotate-log.js';
import type { Exec, LogSource, Runtime, RuntimeInstance, StartRequest } from '../runtime.js';
import type { ExecResult } from '../../domain/exec-result.js';
import type { LogLine, LogOptions } from '../../logs/log-line.js';
import { RuntimeExecError, RuntimeStartError } from '../runtime-error.js';
import { sleep } from '../wait-until.js';
import { buildQemuArgv, type QemuAccel, type QemuDisk } from './build-qemu-argv.js';
import { consoleContainerLogs } from './console-container-logs.js';
import { bootState, lastLines } from './console-log.js';
import { QemuInstanceLayout } from './instance-layout.js';
import type { GuestControl, MicroVmParts } from './micro-vm-parts.js';
import { missingEntrypoints } from './missing-entrypoints.js';
import type { QemuRecord } from './qemu-record.js';
import { type QemuHostProbe, type QemuHostSetup, qemuHostSetup } from './qemu-host-setup.js';
import { killQuietly, qemuPid, qemuPids, waitQemuGone } from './qemu-processes.js';
import { QmpClient } from './qmp-client.js';
import type { StartStep } from './start-step.js';
import { vmExit } from './vm-exit.js';

export interface QemuRuntimeOptions {
  /** Instance directories live in `<stateDir>/instances/<id>/`; the probe result in `<stateDir>/probe.json`. */
  stateDir: string;
  images: ImageProvider;
  /** `attach(id, 'tap')`: one tap on the bridge per VM. */
  network: NetworkProvider;
  /** The guest kit, disks and control channel (`defaultMicroVmParts()` for the real ones). */
  vm: MicroVmParts;
  /** Default: the shared `runCommand`. */
  exec?: Executor;
  /** Default `qemu-system-x86_64`. */
  qemu?: string;
  /** `auto` (default): KVM when a probe boot under KVM reaches userspace, else TCG. */
  accel?: 'auto' | QemuAccel;
  /** Host TSC kHz for `tsc_early_khz`; default: read from dmesg or /proc/cpuinfo. */
  tscKhz?: number;
  /** How long a guest gets to print BUBO_GUEST_READY; default 120 s under TCG, 30 s under KVM. */
  readyTimeoutMs?: number;
  /** How long the KVM probe boot gets to reach userspace; default 5 s. */
  kvmProbeTimeoutMs?: number;
  /** `rotateLogs` rotates a console log bigger than this; default 10 MiB. */
  logMaxBytes?: number;
  /** Rotated console logs kept per instance (`.1` … `.n`); default 3. */
  logFiles?: number;
  /** Fault injection (tests only): called before each named step of `start` (see `start-step.ts`). */
  faults?: { beforeStep?: (step: StartStep) => void | Promise<void> };
}

/** sun_path is 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;
/** Time for the guest to sync and power off after its containers stopped. */
const POWEROFF_MARGIN_MS = 5_000;
/** QMP states in which the VM will not run again (QEMU normally exits first: -no-reboot, panic=-1). */
const DEAD_STATES = new Set(['shutdown', 'guest-panicked', 'internal-error', 'io-error']);

/**
 * Instances as QEMU microVMs (`-M microvm`), one VM per instance running all its containers under
 * the guest init of `src/vm/`. QEMU is daemonized with a pidfile, so VMs outlive the agent; a new
 * QemuRuntime over the same stateDir re-adopts them (same pid) from the records, pidfiles and
 * QMP. The guest supervises its containers (restart policies) itself. See README.md.
 */
export class QemuRuntime implements Runtime, LogSource, Exec {
  readonly name = 'qemu';
  readonly kind = 'microvm' as const;
  /** Each volume is a virtio disk the guest mounts (the host lets go of its own mount first). */
  readonly volumes = 'device' as const;
  readonly #stateDir: string;
  readonly #images: ImageProvider;
  readonly #network: NetworkProvider;
  readonly #vm: MicroVmParts;
  readonly #exec: Executor;
  readonly #qemu: string;
  readonly #accelOption: 'auto' | QemuAccel;
  readonly #tscKhz: number | undefined;
  readonly #readyTimeoutMs: number | undefined;
  readonly #kvmProbeTimeoutMs: number;
  readonly #logMaxBytes: number;
  readonly #logFiles: number;
  readonly #faults: QemuRuntimeOptions['faults'];
  readonly #records: RecordedInstances<QemuRecord>;
  /** Instances being stopped: no new control connection for them. */
  readonly #stopping = new Set<string>();
  /** One control connection per VM (a virtio-serial socket takes one client at a time). */
  readonly #controls = new Map<string, Promise<GuestControl>>();
  /** QMP sockets take one client at a time too: every QMP use goes through this queue. */
  readonly #qmpQueue = new SerialQueue();
  #setup: Promise<QemuHostSetup> | undefined;
  #rotatedAt = 0;

  constructor(options: QemuRuntimeOptions) {
    this.#stateDir = options.stateDir;
    this.#images = options.images;
    this.#network = options.network;
    this.#vm = options.vm;
    this.#exec = options.exec ?? runCommand;
    this.#qemu = options.qemu ?? 'qemu-system-x86_64';
    this.#accelOption = options.accel ?? 'auto';
    this.#tscKhz = options.tscKhz;
    this.#readyTimeoutMs = options.readyTimeoutMs;
    this.#kvmProbeTimeoutMs = options.kvmProbeTimeoutMs ?? 5_000;
    this.#logMaxBytes = options.logMaxBytes ?? 10 * 1024 * 1024;
    this.#logFiles = options.logFiles ?? 3;
    this.#faults = options.faults;
    this.#records = new RecordedInstances<QemuRecord>(this.#stateDir, {
      // A directory without a record (a crash right after `mkdir`): reported and stopped.
      placeholder: (id) => ({ id, app: '', namespace: '', address: null, startedAt: 0, phase: 'starting', accel: 'tcg', tap: null, containers: [] }),
      images: (record) => Object.fromEntries(record.containers.flatMap((c) => (c.digest ? [[c.name, c.digest] as const] : []))),
    });
  }

  /**
   * Available when QEMU runs, the agent is root, the guest kit exists or can be built and the host
   * TSC frequency is known. Also settles KVM vs TCG (see `hostProbe`); the choice is not a reason
   * to be unavailable.
   */
  async probe(): Promise<HostRuntime> {
    const base = { name: this.name, kind: this.kind };
    if (process.getuid?.() !== 0) return { ...base, available: false, reason: 'the agent is not running as root (QEMU needs taps on the bridge)' };
    try {
      const probe = await this.hostProbe();
      // `bubo hosts` shows how VMs run here: `kvm`, or `tcg: <why not KVM>`.
      return { ...base, available: true, detail: probe.accel === 'kvm' ? 'kvm' : `tcg: ${probe.accelReason}` };
    } catch (error) {
      return { ...base, available: false, reason: (error as Error).message };
    }
  }

  /**
   * KVM or TCG, why, and the TSC frequency; computed once per QEMU version, guest kit, host kernel
   * and `accel` option, and kept in `<stateDir>/probe.json`, so agents do not boot a probe VM on
   * every start. Throws, saying what is missing, when the runtime cannot work here.
   */
  async hostProbe(): Promise<QemuHostProbe> {
    return (await this.#hostSetup()).probe;
  }

  #hostSetup(): Promise<QemuHostSetup> {
    const options = { stateDir: this.#stateDir, exec: this.#exec, qemu: this.#qemu, vm: this.#vm, accel: this.#accelOption, tscKhz: this.#tscKhz, kvmProbeTimeoutMs: this.#kvmProbeTimeoutMs };
    this.#setup ??= qemuHostSetup(options).catch((error: unknown) => {
      this.#setup = undefined;
      throw error;
    });
    return this.#setup;
  }

  /**
   * The shared start flow (`instance-start.ts`); QEMU's own steps (`start-step.ts`): network ∥
   * pull, disks, launch, wait-ready. The phase becomes `started` once the guest printed
   * BUBO_GUEST_READY (every container started); `stop` removes a failed start, QEMU included.
   */
  start(request: StartRequest, signal?: AbortSignal): Promise<RuntimeInstance> {
    const { id, spec } = request;
    const layout = new QemuInstanceLayout(this.#stateDir, id);
    return startInstance(this, this.#records, request, {
      beforeStep: (step) => this.#step(step),
      check: () => {
        if (Buffer.byteLength(layout.controlSocket) > MAX_SOCKET_PATH) {
          throw RuntimeStartError.of(id, `${layout.controlSocket} is longer than a unix socket path may be (${MAX_SOCKET_PATH} bytes); use a shorter state directory`);
        }
      },
      prepare: () => this.#hostSetup(),
      record: (setup) => ({
        id,
        app: request.app,
        namespace: request.namespace,
        address: null,
        startedAt: Date.now(),
        phase: 'starting',
        accel: setup.probe.accel,
        tap: null,
        containers: spec.containers.map((c) => ({ name: c.name, restart: c.restart })),
        volumes: (request.volumes ?? []).flatMap((v) => (v.device ? [v.device] : [])),
      }),
      run: async (record, setup) => {
        const [network, images] = await attachAndPull(request, record, { network: this.#network, mode: 'tap', images: this.#images, beforeStep: (s) => this.#step(s) }, signal);
        record.tap = network.hostInterface;
        await this.#records.write(record);
        abortIfAborted(id, signal);
        await this.#step('disks');
        const imageDisks = await this.#buildDisks(layout, request, images, network);
        await this.#step('launch');
        await this.#launch(layout, setup, request, imageDisks, network);
        await this.#step('wait-ready');
        await this.#waitReady(layout, setup.probe.accel, signal);
      },
      // Connected early: an idle guest polls less with a client (PLATFORM §1.6).
      started: () => void this.#control(id).catch(() => {}),
    });
  }

  async #step(step: StartStep): Promise<void> {
    await this.#faults?.beforeStep?.(step);
  }

  /** Image disks (shared, one per digest), the config disk and the scratch disk; the image disk paths in vdc… order. */
  async #buildDisks(layout: QemuInstanceLayout, request: StartRequest, images: PulledImage[], network: InstanceNetwork): Promise<string[]> {
    const { spec } = request;
    let config: RunConfig;
    try {
      // Secrets reach the guest on the config disk only, never on QEMU's command line.
      config = await instanceRunConfig({ instanceId: request.id, app: request.app, containers: spec.containers, resources: spec.resources, images, network, secrets: request.secrets, volumes: request.volumes ?? [] });
    } catch (error) {
      if (error instanceof RunConfigError) throw RuntimeStartError.of(request.id, error.message);
      throw error;
    }
    const byDigest = new Map(images.map((i) => [i.digest, i]));
    const missing = await missingEntrypoints(config, new Map(images.map((i) => [i.digest, i.rootfs])));
    if (missing.length > 0) throw new RuntimeStartError(missing.join('; '));
    const diskMiB = Math.max(64, spec.resources.disk_mib);
    const imageDisks: string[] = [];
    for (const digest of config.imageDisks) imageDisks.push(await this.#vm.imageDisk(byDigest.get(digest) as PulledImage, diskMiB));
    await this.#vm.configDisk(layout.configDisk, config, request.secrets);
    await this.#vm.scratchDisk(layout.scratchDisk, diskMiB);
    return imageDisks;
  }

  /** Starts QEMU daemonized; it returns once the VM runs and QEMU has written its pidfile. */
  async #launch(layout: QemuInstanceLayout, setup: QemuHostSetup, request: StartRequest, imageDisks: string[], network: InstanceNetwork): Promise<void> {
    const argv = buildQemuArgv({
      qemu: this.#qemu,
      kernel: setup.kit.kernel,
      initramfs: setup.kit.initramfs,
      accel: setup.probe.accel,
      vcpus: vcpusFor(request.spec.resources.cpus),
      memoryMiB: memoryFor(request.spec.resources.memory_mib),
      disks: [
        { path: layout.configDisk, format: 'raw', readOnly: true },
        { path: layout.scratchDisk, format: 'raw', readOnly: false },
        ...imageDisks.map((path) => ({ path, format: 'raw' as const, readOnly: true })),
        ...volumeDisks(request),
      ],
      tap: network.hostInterface,
      mac: instanceMac(request.id),
      consoleLog: layout.consoleLog,
      qmpSocket: layout.qmpSocket,
      controlSocket: layout.controlSocket,
      pidfile: layout.pidfile,
      tscKhz: setup.probe.tscKhz,
    });
    await writeFile(layout.argvFile, `${argv.join('\n')}\n`);
    try {
      await this.#exec({ argv, timeoutMs: 30_000 });
    } catch (error) {
      const stderr = error instanceof CommandError ? error.stderr.trim() : '';
      throw RuntimeStartError.of(request.id, `QEMU failed to start: ${stderr || (error as Error).message}`);
    }
  }

  /** Polls the console for BUBO_GUEST_READY / BUBO_GUEST_FAILED while QEMU runs. */
  async #waitReady(layout: QemuInstanceLayout, accel: QemuAccel, signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.#readyTimeoutMs ?? (accel === 'kvm' ? 30_000 : 120_000);
    const deadline = Date.now() + timeoutMs;
    const fail = async (why: string) => {
      const tail = lastLines(await readFile(layout.consoleLog, 'utf8').catch(() => ''), 20);
      return RuntimeStartError.of(layout.id, `${why}${tail.length ? `; last console lines:\n${tail.join('\n')}` : ''}`);
    };
    for (;;) {
      abortIfAborted(layout.id, signal);
      const console = await readFile(layout.consoleLog, 'utf8').catch(() => '');
      const boot = bootState(console);
      if (boot.state === 'ready') return;
      if (boot.state === 'failed') throw await fail(`the guest failed to boot: ${boot.reason}`);
      if ((await qemuPid(layout)) === null) throw await fail('QEMU exited during boot');
      if (Date.now() > deadline) throw await fail(`the guest did not report ready within ${Math.round(timeoutMs / 1000)} s (${accel.toUpperCase()})`);
      // Every ms here is start latency (bench/boot); a read of the small boot console is cheap.
      await sleep(25);
    }
  }

  /**
   * Graceful: the guest stops every container (SIGTERM, SIGKILL after its stop timeout) and powers
   * off; QEMU gets `timeoutMs` + 5 s to exit, then QMP `quit`, then SIGKILL. `timeoutMs` 0 skips
   * the guest. Then the tap and the instance directory go. Idempotent; unknown id = no-op.
   */
  async stop(id: string, timeoutMs: number): Promise<void> {
    if (!isInstanceId(id)) return;
    const layout = new QemuInstanceLayout(this.#stateDir, id);
    if (!(await pathExists(layout.dir))) return;
    this.#stopping.add(id);
    try {
      if (timeoutMs > 0 && (await qemuPid(layout)) !== null) {
        try {
          const control = await this.#control(id, true);
          await control.shutdown();
          await waitQemuGone(layout, timeoutMs + POWEROFF_MARGIN_MS);
        } catch {
          // No guest to ask (control channel down): QMP and SIGKILL below.
        }
      }
      await this.#dropControl(id);
      if ((await qemuPids(layout)).length > 0) {
        await this.#qmp(layout, (qmp) => qmp.quit()).catch(() => {});
        await waitQemuGone(layout, 3_000);
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const pids = await qemuPids(layout);
        if (pids.length === 0) break;
        for (const pid of pids) killQuietly(pid);
        await waitQemuGone(layout, 2_000);
      }
      await this.#network.detach(id);
      await rm(layout.dir, { recursive: true, force: true, maxRetries: 3 });
    } finally {
      this.#stopping.delete(id);
    }
  }

  async inspect(id: string): Promise<RuntimeInstance | null> {
    const record = await this.#records.read(id);
    return record ? this.#view(record) : null;
  }

  async list(): Promise<RuntimeInstance[]> {
    return Promise.all((await this.#records.all()).map((record) => this.#view(record)));
  }

  imagesInUse(): Promise<Set<string>> {
    return this.#records.imagesInUse();
  }

  async freezeVolume(device: string): Promise<{ instance: string; thaw: () => Promise<void> } | null> {
    for (const record of await this.#records.all()) {
      const index = record.volumes?.indexOf(device) ?? -1;
      if (index < 0 || (await this.#view(record)).state !== 'running') continue;
      const control = await this.#control(record.id);
      await control.freeze(index);
      return { instance: record.id, thaw: () => control.thaw(index) };
    }
    return null;
  }

  /**
   * Called by the agent every second: reconnects the control channel of re-adopted VMs (an idle
   * guest polls less with a client connected) and, every 30 s, rotates console logs. Restart
   * policies are the guest init's job.
   */
  async supervise(now = Date.now()): Promise<void> {
    for (const record of await this.#records.all()) {
      if (record.phase !== 'started' || this.#controls.has(record.id) || this.#stopping.has(record.id)) continue;
      if ((await qemuPid(new QemuInstanceLayout(this.#stateDir, record.id))) !== null) void this.#control(record.id).catch(() => {});
    }
    if (now - this.#rotatedAt >= 30_000) {
      this.#rotatedAt = now;
      await this.rotateLogs();
    }
  }

  /** Copy-truncate rotation of every console log bigger than `logMaxBytes` (QEMU appends: `append=on`). */
  async rotateLogs(): Promise<void> {
    for (const record of await this.#records.all()) {
      await rotateLog(new QemuInstanceLayout(this.#stateDir, record.id).consoleLog, this.#logMaxBytes, this.#logFiles);
    }
  }

  /** The containers' output, split out of the console (`console-container-logs.ts`); nothing for an unknown instance. */
  async *logs(id: string, options: LogOptions): AsyncGenerator<LogLine> {
    const record = await this.#records.read(id);
    if (!record) return;
    const names = new Set(record.containers.map((c) => c.name));
    yield* consoleContainerLogs(new QemuInstanceLayout(this.#stateDir, id).consoleLog, names, { ...options, rotatedFiles: this.#logFiles });
  }

  /** Runs `argv` in a container of a running VM through the guest control channel. */
  async exec(id: string, container: string | null, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const instance = await this.inspect(id);
    if (instance?.state !== 'running') throw RuntimeExecError.of(id, 'it is not running');
    const record = (await this.#records.read(id)) as QemuRecord;
    const name = container ?? record.containers[0]?.name ?? null;
    try {
      return await (await this.#control(id)).exec(name, argv, timeoutMs);
    } catch (error) {
      // A connection broken since (e.g. the guest rebooted its agent): one fresh try.
      await this.#dropControl(id);
      if (!(await this.inspect(id))) throw error;
      return (await this.#control(id)).exec(name, argv, timeoutMs);
    }
  }

  /**
   * Closes this object's control connections (VMs keep running). The agent calls it when it shuts
   * down; a VM's control socket takes one client at a time, so another QemuRuntime over the same
   * state directory in the same process can only connect once this one let go.
   */
  async close(): Promise<void> {
    for (const id of [...this.#controls.keys()]) await this.#dropControl(id);
  }

  #control(id: string, forStop = false): Promise<GuestControl> {
    if (this.#stopping.has(id) && !forStop) return Promise.reject(new Error(`instance ${id} is stopping`));
    let control = this.#controls.get(id);
    if (!control) {
      control = this.#vm.connectControl(new QemuInstanceLayout(this.#stateDir, id).controlSocket);
      this.#controls.set(id, control);
      control.catch(() => {
        if (this.#controls.get(id) === control) this.#controls.delete(id);
      });
    }
    return control;
  }

  async #dropControl(id: string): Promise<void> {
    const control = this.#controls.get(id);
    this.#controls.delete(id);
    (await control?.catch(() => null))?.close();
  }

  #qmp<T>(layout: QemuInstanceLayout, use: (qmp: QmpClient) => Promise<T>): Promise<T> {
    return this.#qmpQueue.run(async () => {
      const qmp = await QmpClient.connect(layout.qmpSocket, 2_000);
      try {
        return await use(qmp);
      } finally {
        qmp.close();
      }
    });
  }

  async #view(record: QemuRecord): Promise<RuntimeInstance> {
    const layout = new QemuInstanceLayout(this.#stateDir, record.id);
    const base = this.#records.base(record);
    const running = { ...base, state: 'running' as const, exitCode: null, message: '' };
    // A VM being started counts as running (a start in progress is not an exit).
    if (this.#records.starting.has(record.id)) return running;
    const interrupted = this.#records.interrupted(record);
    if (interrupted) return interrupted;
    const pid = await qemuPid(layout);
    if (pid !== null) {
      const status = await this.#qmp(layout, (qmp) => qmp.queryStatus()).catch(() => null);
      // No QMP answer while the process lives (busy, or another client): still running.
      if (!status || !DEAD_STATES.has(status.status)) return running;
      return { ...base, state: 'exited', exitCode: null, message: `the VM is in state ${status.status} (QEMU pid ${pid})` };
    }
    return { ...base, state: 'exited', ...(await vmExit(layout, record)) };
  }
}

/** The volume disks of a start, after the image disks, in `request.volumes` order (the run config's serials). */
function volumeDisks(request: StartRequest): QemuDisk[] {
  return (request.volumes ?? []).map((volume, i) => {
    if (!volume.device) throw RuntimeStartError.of(request.id, `volume ${volume.name}: its driver has no disk image for a microVM (--volume-driver dir is for containers; use file)`);
    return { path: volume.device, format: 'raw', readOnly: false, volumeSerial: volumeSerial(i) };
  });
}
