import { constants } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostRuntime } from '../../domain/runtime-kind.js';
import { type Executor, runCommand } from '../../exec/run-command.js';
import { pathExists } from '../../fs/path-exists.js';
import type { InstanceNetwork, NetworkProvider } from '../../net/network-provider.js';
import { abortIfAborted } from '../abort-if-aborted.js';
import { memoryFor, vcpusFor } from '../guest-sizing.js';
import { instanceMac } from '../instance-mac.js';
import { startInstance } from '../instance-start.js';
import { RecordedInstances } from '../recorded-instances.js';
import type { Runtime, RuntimeInstance, StartRequest } from '../runtime.js';
import { RuntimeStartError, RuntimeStopError } from '../runtime-error.js';
import { sleep, waitUntil } from '../wait-until.js';
import { detectCgroupVersion } from './detect-cgroup-version.js';
import { findBinary } from './find-binary.js';
import { FirecrackerClient } from './firecracker-client.js';
import { type FirecrackerGuest, firecrackerBootArgs } from './firecracker-guest.js';
import { type PlanDrive, planFirecrackerBoot, planFirecrackerStop } from './firecracker-plan.js';
import { type FirecrackerProcesses, systemProcesses } from './firecracker-processes.js';
import type { FirecrackerRecord } from './firecracker-record.js';
import { type CgroupVersion, JAIL_PATHS, JailLayout, jailerArgv, jailerCgroups, jailId } from './jailer-argv.js';
import { type JailFile, prepareJail, removeJail } from './prepare-jail.js';
import type { StartStep } from './start-step.js';

export interface FirecrackerRuntimeOptions {
  /** Instance records and per-instance disks live in `<stateDir>/instances/<id>/`. */
  stateDir: string;
  guest: FirecrackerGuest;
  network: NetworkProvider;
  /** Firecracker binary (absolute, or found in PATH); default `firecracker`. */
  firecracker?: string;
  /** Jailer binary (absolute, or found in PATH); default `jailer`. */
  jailer?: string;
  /**
   * Jails are built in `<chrootBaseDir>/<firecracker file name>/<jail id>/root`. Default
   * `<stateDir>/jailer`: on the state directory's file system, so disks are hard-linked, not copied.
   */
  chrootBaseDir?: string;
  /** Unprivileged uid/gid Firecracker runs as (host configuration); default 65534 (nobody). */
  uid?: number;
  gid?: number;
  /** Default: 2 when cgroup2 is mounted at /sys/fs/cgroup, else 1. */
  cgroupVersion?: CgroupVersion;
  /** `--parent-cgroup`; default `bubo` (so instances live in `bubo/<jail id>`, like runc's). */
  cgroupParent?: string;
  /** Memory above the guest's that the Firecracker cgroup may use (VMM, page cache); default 64 MiB. */
  memoryOverheadMiB?: number;
  /** Guest vsock CID; each VM has its own vsock device, so one CID serves all; default 3. */
  guestCid?: number;
  /**
   * The operator has checked that Firecracker boots on this host: skip the hardware-KVM heuristic
   * of `probe` (which requires the kvm_intel or kvm_amd module), keep the other checks.
   */
  kvmVerified?: boolean;
  /** Extra guest kernel parameters (never secrets). */
  extraBootArgs?: string[];
  /** Default: the shared `runCommand` (used by `probe` for `--version`). */
  exec?: Executor;
  /** Default: real processes (`firecracker-processes.ts`). */
  processes?: FirecrackerProcesses;
  /** How long the API socket may take to answer after launch; default 10 s. */
  apiReadyTimeoutMs?: number;
  /** Probe seams (tests only): the KVM device and /sys/module. */
  kvmDevice?: string;
  sysModuleDir?: string;
  /** Root of the cgroup hierarchies; default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  faults?: { beforeStep?: (step: StartStep) => void | Promise<void> };
}

/**
 * What an available Firecracker runtime cannot do (`bubo hosts` shows it): the guest agent needs a
 * vsock listener, which the guest kit cannot provide yet (README.md), so there is no exec (this
 * class has no `exec`: exec health checks fail saying so) and `stop` asks the guest through
 * Ctrl+Alt+Del instead of the control channel.
 */
export const NO_CONTROL_CHANNEL = 'no guest control channel (vsock): exec checks unavailable; stop sends Ctrl+Alt+Del';
/** Firecracker's vCPU range is 1 to 32. */
const MAX_VCPUS = 32;
/** After SIGKILL, how long the process may take to disappear. */
const KILL_WAIT_MS = 5_000;

/**
 * MicroVMs under Firecracker, each in its own jail (`jailer --daemonize`), configured through the
 * API socket with the requests of `firecracker-plan.ts` (contract-tested against Firecracker's
 * OpenAPI file). The VM outlives the agent; a new runtime over the same state directory re-adopts
 * it from `instance.json` (pid + jail id). See README.md.
 */
export class FirecrackerRuntime implements Runtime {
  readonly name = 'firecracker';
  readonly kind = 'microvm' as const;
  readonly #o: FirecrackerRuntimeOptions;
  readonly #processes: FirecrackerProcesses;
  readonly #exec: Executor;
  readonly #chrootBase: string;
  readonly #uid: number;
  readonly #gid: number;
  readonly #cgroupRoot: string;
  readonly #cgroupParent: string;
  readonly #records: RecordedInstances<FirecrackerRecord>;

  constructor(options: FirecrackerRuntimeOptions) {
    this.#o = options;
    this.#processes = options.processes ?? systemProcesses;
    this.#exec = options.exec ?? runCommand;
    this.#chrootBase = options.chrootBaseDir ?? join(options.stateDir, 'jailer');
    this.#uid = options.uid ?? 65534;
    this.#gid = options.gid ?? 65534;
    this.#cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
    this.#cgroupParent = (options.cgroupParent ?? 'bubo').replace(/^\/+|\/+$/g, '');
    this.#records = new RecordedInstances<FirecrackerRecord>(options.stateDir, {
      // A directory without a record (crash between mkdir and the first write): an interrupted start.
      placeholder: (id) => ({ id, app: '', namespace: '', address: null, startedAt: 0, phase: 'starting', jailId: jailId(id), pid: null, images: {} }),
      images: (record) => record.images,
    });
  }

  /**
   * Available when: both binaries are found and answer `--version`; /dev/kvm opens read-write;
   * the KVM is hardware KVM (kvm_intel or kvm_amd loaded: a nested PVM host has /dev/kvm from
   * kvm_pvm, on which Firecracker cannot run guests), unless `kvmVerified`; and the agent is root
   * (the jailer needs it). Node cannot issue KVM_GET_API_VERSION itself, hence the module check.
   */
  async probe(): Promise<HostRuntime> {
    const base = { name: this.name, kind: this.kind };
    const problems: string[] = [];
    for (const [what, name] of [
      ['firecracker', this.#o.firecracker ?? 'firecracker'],
      ['jailer', this.#o.jailer ?? 'jailer'],
    ] as const) {
      const path = await findBinary(name);
      if (!path) {
        problems.push(`${what} binary not found (${name}); install Firecracker's release binaries`);
        continue;
      }
      await this.#exec({ argv: [path, '--version'], timeoutMs: 5_000 }).catch((error: Error) => problems.push(`${path} --version failed: ${error.message}`));
    }
    const kvm = this.#o.kvmDevice ?? '/dev/kvm';
    if (!(await pathExists(kvm, constants.R_OK | constants.W_OK))) problems.push(`${kvm} is missing or not read-write for the agent`);
    else if (!this.#o.kvmVerified) {
      const modules = this.#o.sysModuleDir ?? '/sys/module';
      const hardware = (await pathExists(join(modules, 'kvm_intel'), constants.F_OK)) || (await pathExists(join(modules, 'kvm_amd'), constants.F_OK));
      if (!hardware) {
        const pvm = await pathExists(join(modules, 'kvm_pvm'), constants.F_OK);
        problems.push(
          `${kvm} is not hardware KVM (${pvm ? 'it comes from kvm_pvm, nested PVM' : 'neither kvm_intel nor kvm_amd is loaded'}); Firecracker needs hardware virtualization (set kvmVerified if it was checked to boot here)`,
        );
      }
    }
    if (process.getuid?.() !== 0) problems.push('the agent is not running as root (the jailer needs it)');
    return problems.length === 0 ? { ...base, available: true, detail: NO_CONTROL_CHANNEL } : { ...base, available: false, reason: problems.join('; ') };
  }

  /**
   * The shared start flow (`instance-start.ts`); Firecracker's own steps (`start-step.ts`):
   * network, guest, jail, launch, api, configure, boot. Resolves once `InstanceStart` was
   * accepted (the guest is booting), not once the guest is ready.
   */
  start(request: StartRequest, signal?: AbortSignal): Promise<RuntimeInstance> {
    const { id } = request;
    return startInstance(this, this.#records, request, {
      beforeStep: (step) => this.#step(step),
      prepare: async () => {
        const firecracker = await this.#binary('firecracker', this.#o.firecracker ?? 'firecracker', id);
        const jailer = await this.#binary('jailer', this.#o.jailer ?? 'jailer', id);
        return { firecracker, jailer, layout: new JailLayout(this.#chrootBase, jailId(id), firecracker) };
      },
      record: ({ layout }) => ({ id, app: request.app, namespace: request.namespace, address: null, startedAt: Date.now(), phase: 'starting', jailId: layout.id, pid: null, images: {} }),
      run: (record, binaries) => this.#boot(request, record, binaries, signal),
    });
  }

  async #boot(request: StartRequest, record: FirecrackerRecord, binaries: { firecracker: string; jailer: string; layout: JailLayout }, signal?: AbortSignal): Promise<void> {
    const { id, spec } = request;
    const { firecracker, jailer, layout } = binaries;
    const dir = this.#records.dir(id);
    await this.#step('network');
    const network = await this.#o.network.attach(id, 'tap', request.namespace);
    record.address = network.address;
    await this.#records.write(record);
    abortIfAborted(id, signal);
    await this.#step('guest');
    const kit = await this.#o.guest.kit(signal);
    const { disks, images } = await this.#o.guest.prepareDisks(request, network, dir, signal);
    record.images = images;
    await this.#records.write(record);
    abortIfAborted(id, signal);
    await this.#step('jail');
    const files: JailFile[] = [
      { source: kit.kernel, jailPath: JAIL_PATHS.kernel, owned: false },
      ...(kit.initramfs ? [{ source: kit.initramfs, jailPath: JAIL_PATHS.initrd, owned: false }] : []),
      { source: disks.config, jailPath: JAIL_PATHS.config, owned: true },
      { source: disks.scratch, jailPath: JAIL_PATHS.scratch, owned: true },
      ...disks.images.map((source, i) => ({ source, jailPath: JAIL_PATHS.image(i), owned: false })),
    ];
    await prepareJail(layout, files, [JAIL_PATHS.log, JAIL_PATHS.console], { uid: this.#uid, gid: this.#gid });
    await this.#step('launch');
    const cgroupVersion = this.#o.cgroupVersion ?? (await detectCgroupVersion());
    const argv = jailerArgv({
      jailer,
      firecracker,
      id: layout.id,
      uid: this.#uid,
      gid: this.#gid,
      chrootBaseDir: this.#chrootBase,
      cgroupVersion,
      parentCgroup: this.#cgroupParent,
      cgroups: jailerCgroups(cgroupVersion, spec.resources.cpus, memoryFor(spec.resources.memory_mib), this.#o.memoryOverheadMiB ?? 64),
      netns: null,
    });
    record.pid = await this.#processes.launch(argv, join(dir, 'jailer.log'));
    await this.#records.write(record);
    await this.#step('api');
    const client = new FirecrackerClient(layout.apiSocket);
    await this.#waitApi(client, record, dir, signal);
    await this.#step('configure');
    const plan = planFirecrackerBoot({
      vcpus: vcpusFor(spec.resources.cpus, MAX_VCPUS),
      memoryMiB: memoryFor(spec.resources.memory_mib),
      kernel: JAIL_PATHS.kernel,
      initrd: kit.initramfs ? JAIL_PATHS.initrd : null,
      bootArgs: firecrackerBootArgs(this.#o.extraBootArgs),
      drives: driveList(disks.images.length),
      network: tapOf(network, id),
      vsock: { udsPath: JAIL_PATHS.vsock, guestCid: this.#o.guestCid ?? 3 },
      logPath: JAIL_PATHS.log,
      consolePath: JAIL_PATHS.console,
    });
    const boot = plan.pop();
    await client.sendAll(plan);
    abortIfAborted(id, signal);
    await this.#step('boot');
    if (boot) await client.send(boot);
  }

  /**
   * Ctrl+Alt+Del through the API (the guest init stops its containers and reboots, which ends
   * Firecracker), SIGKILL after `timeoutMs`; then the tap, the cgroup, the jail and the state
   * directory go. Idempotent; an unknown id is a no-op.
   */
  async stop(id: string, timeoutMs: number): Promise<void> {
    const record = await this.#records.read(id);
    if (!record) return;
    const jail = record.jailId;
    const { pid } = record;
    if (pid !== null && (await this.#processes.isRunning(pid, jail))) {
      if (timeoutMs > 0) {
        const client = new FirecrackerClient(this.#layout(jail).apiSocket, Math.min(2_000, timeoutMs));
        const asked = await client.send(planFirecrackerStop()).then(
          () => true,
          () => false,
        );
        if (asked) await waitUntil(async () => !(await this.#processes.isRunning(pid, jail)), timeoutMs);
      }
      if (await this.#processes.isRunning(pid, jail)) {
        this.#processes.kill(pid, 'SIGKILL');
        if (!(await waitUntil(async () => !(await this.#processes.isRunning(pid, jail)), KILL_WAIT_MS))) {
          throw RuntimeStopError.of(id, `Firecracker (pid ${pid}) is still running after SIGKILL`);
        }
      }
    }
    await this.#o.network.detach(id);
    await this.#removeCgroups(jail);
    await removeJail(this.#layout(jail));
    await rm(this.#records.dir(id), { recursive: true, force: true });
  }

  async inspect(id: string): Promise<RuntimeInstance | null> {
    const record = await this.#records.read(id);
    return record ? this.#view(record) : null;
  }

  async list(): Promise<RuntimeInstance[]> {
    return Promise.all((await this.#records.all()).map((r) => this.#view(r)));
  }

  imagesInUse(): Promise<Set<string>> {
    return this.#records.imagesInUse();
  }

  /** Nothing to let go of: no connection outlives a call (no control channel yet). */
  async close(): Promise<void> {}

  /** Host path of the guest's serial console (what `PUT /serial` writes), for logs and readiness. */
  consolePath(id: string): string {
    return this.#layout(jailId(id)).hostPath(JAIL_PATHS.console);
  }

  /** Host path of the vsock device's Unix socket; connect with `connectVsock(path, port)`. */
  vsockPath(id: string): string {
    return this.#layout(jailId(id)).hostPath(JAIL_PATHS.vsock);
  }

  async #view(record: FirecrackerRecord): Promise<RuntimeInstance> {
    const interrupted = this.#records.interrupted(record);
    if (interrupted) return interrupted;
    const base = this.#records.base(record);
    if (record.pid !== null && (await this.#processes.isRunning(record.pid, record.jailId))) return { ...base, state: 'running', exitCode: null, message: '' };
    // Firecracker's exit status is lost (the jailer daemonized it); the guest's own result is on its console.
    return { ...base, state: 'exited', exitCode: null, message: `microVM exited (Firecracker pid ${record.pid ?? 'never started'} is gone)` };
  }

  /** Polls the API socket (`GET /`) until it answers; fails early with the jailer's output if the process died. */
  async #waitApi(client: FirecrackerClient, record: FirecrackerRecord, dir: string, signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.#o.apiReadyTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      abortIfAborted(record.id, signal);
      if (await client.send({ method: 'GET', path: '/' }).then(
        () => true,
        () => false,
      ))
        return;
      if (record.pid === null || !(await this.#processes.isRunning(record.pid, record.jailId))) {
        const output = (await readFile(join(dir, 'jailer.log'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join(' | ');
        throw RuntimeStartError.of(record.id, `the jailer exited before Firecracker's API socket answered${output ? `: ${output}` : ''}`);
      }
      if (Date.now() > deadline) throw RuntimeStartError.of(record.id, `Firecracker's API socket ${client.socketPath} did not answer within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** The jailer creates `<parent>/<jail id>` in each hierarchy it writes to and never removes it. */
  async #removeCgroups(jail: string): Promise<void> {
    const dirs = [join(this.#cgroupRoot, this.#cgroupParent, jail)];
    for (const controller of await readdir(this.#cgroupRoot).catch(() => [] as string[])) dirs.push(join(this.#cgroupRoot, controller, this.#cgroupParent, jail));
    for (const dir of dirs) {
      await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') throw error;
      });
    }
  }

  async #binary(what: string, name: string, id: string): Promise<string> {
    const path = await findBinary(name);
    if (!path) throw RuntimeStartError.of(id, `${what} binary not found (${name}); install Firecracker's release binaries or set the path`);
    return path;
  }

  #layout(jail: string): JailLayout {
    return new JailLayout(this.#chrootBase, jail, this.#o.firecracker ?? 'firecracker');
  }

  async #step(step: StartStep): Promise<void> {
    await this.#o.faults?.beforeStep?.(step);
  }
}

/** vda = config, vdb = scratch, vdc… = images (src/vm/run-config.ts). */
function driveList(images: number): PlanDrive[] {
  return [
    { id: 'config', path: JAIL_PATHS.config, readOnly: true },
    { id: 'scratch', path: JAIL_PATHS.scratch, readOnly: false },
    ...Array.from({ length: images }, (_, i) => ({ id: `image${i}`, path: JAIL_PATHS.image(i), readOnly: true })),
  ];
}

function tapOf(network: InstanceNetwork, id: string): { tap: string; mac: string; mtu?: number } | null {
  if (!network.hostInterface) return null;
  return { tap: network.hostInterface, mac: instanceMac(id), ...(network.mtu ? { mtu: network.mtu } : {}) };
}
