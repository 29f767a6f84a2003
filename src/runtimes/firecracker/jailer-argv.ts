import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';

export type CgroupVersion = 1 | 2;

export interface JailerArgvInput {
  /** The jailer binary. */
  jailer: string;
  /** Absolute path of the Firecracker binary; its file name must contain `firecracker`. */
  firecracker: string;
  /** From `jailId`: letters, digits and `-`, at most 64 characters. */
  id: string;
  uid: number;
  gid: number;
  chrootBaseDir: string;
  cgroupVersion: CgroupVersion;
  /** Cgroup under which the jailer creates `<id>` (`--parent-cgroup`); null: the jailer's default. */
  parentCgroup: string | null;
  /** `<file>=<value>` settings, from `jailerCgroups`. */
  cgroups: string[];
  /** `/var/run/netns/<name>` to run Firecracker in; null: the agent's namespace (the tap is there). */
  netns: string | null;
}

/** Where the jailed Firecracker listens, as it sees it (inside the chroot). */
export const API_SOCKET = '/run/firecracker.socket';

/**
 * The jailer command line (Firecracker `docs/jailer.md`). `--daemonize` makes the jailer call
 * setsid() and send stdio to /dev/null before it execs Firecracker, so the VM outlives the agent;
 * the jailer must therefore not be started as a process group leader. Everything after `--` goes
 * to Firecracker (the jailer itself adds `--id`).
 */
export function jailerArgv(input: JailerArgvInput): [string, ...string[]] {
  if (!basename(input.firecracker).includes('firecracker')) {
    throw new Error(`the Firecracker binary's file name must contain "firecracker" (the jailer refuses others): ${input.firecracker}`);
  }
  return [
    input.jailer,
    '--id',
    input.id,
    '--exec-file',
    input.firecracker,
    '--uid',
    String(input.uid),
    '--gid',
    String(input.gid),
    '--chroot-base-dir',
    input.chrootBaseDir,
    '--cgroup-version',
    String(input.cgroupVersion),
    ...(input.parentCgroup ? ['--parent-cgroup', input.parentCgroup] : []),
    ...input.cgroups.flatMap((c) => ['--cgroup', c]),
    ...(input.netns ? ['--netns', input.netns] : []),
    '--daemonize',
    '--',
    '--api-sock',
    API_SOCKET,
  ];
}

/**
 * CPU and memory limits for the Firecracker process (vCPU threads and VMM together): a CFS quota
 * of `cpus` × period, and guest memory plus `overheadMiB` for the VMM and the page cache of its
 * disk files, which the cgroup is charged for too.
 */
export function jailerCgroups(version: CgroupVersion, cpus: number, memoryMiB: number, overheadMiB: number): string[] {
  const period = 100_000;
  const quota = Math.max(1000, Math.round(cpus * period));
  const bytes = (memoryMiB + overheadMiB) * 1024 * 1024;
  return version === 1
    ? [`cpu.cfs_period_us=${period}`, `cpu.cfs_quota_us=${quota}`, `memory.limit_in_bytes=${bytes}`]
    : [`cpu.max=${quota} ${period}`, `memory.max=${bytes}`];
}

/**
 * The jailer's id for an instance: the instance id when it already fits the jailer's rule
 * (letters, digits, `-`, at most 64), otherwise a readable prefix plus 8 hex digits of its
 * SHA-256, so the mapping is stable across agent restarts and two ids never share a jail.
 */
export function jailId(instanceId: string): string {
  if (/^[A-Za-z0-9-]{1,64}$/.test(instanceId)) return instanceId;
  const hash = createHash('sha256').update(instanceId).digest('hex').slice(0, 8);
  const prefix = instanceId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 55);
  return `${prefix}-${hash}`;
}

/**
 * The jail of one microVM, as the jailer builds it: `<chrootBase>/<exec file name>/<id>/root/` is
 * Firecracker's `/`. Everything Firecracker opens by path (kernel, initramfs, disks, log, console,
 * vsock socket) must be inside `root/`; `jailPath` is how Firecracker names a file,
 * `hostPath(jailPath)` where the agent finds it.
 */
export class JailLayout {
  readonly execFileName: string;

  constructor(
    readonly chrootBaseDir: string,
    readonly id: string,
    firecracker: string,
  ) {
    this.execFileName = basename(firecracker);
  }

  /** What cleanup removes (the jailer leaves it behind). */
  get dir(): string {
    return join(this.chrootBaseDir, this.execFileName, this.id);
  }
  get root(): string {
    return join(this.dir, 'root');
  }
  hostPath(jailPath: string): string {
    return join(this.root, jailPath);
  }
  get apiSocket(): string {
    return this.hostPath(API_SOCKET);
  }
}

/** File names inside every jail. */
export const JAIL_PATHS = {
  kernel: '/vmlinux',
  initrd: '/initrd',
  config: '/config.ext4',
  scratch: '/scratch.ext4',
  image: (i: number) => `/image${i}.ext4`,
  log: '/firecracker.log',
  console: '/console.log',
  /** Host side of the vsock device; the control channel connects here (`vsock-connect.ts`). */
  vsock: '/v.sock',
} as const;
