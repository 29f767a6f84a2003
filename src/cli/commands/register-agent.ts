import type { Command } from 'commander';
import { resolveConnection } from '../../client/resolve-connection.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { runCommand } from '../run-command.js';
import { parseDurationMs } from '../../taskfile/parse-duration.js';
import { UsageError } from '../usage-error.js';

/** `--label k=v`, repeatable. */
function collectLabel(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`--label "${value}" must be key=value, e.g. --label rack=r12`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `--image-gc-interval`: a duration like the task file's (`30s`, `10m`). */
function parseInterval(text: string): number {
  try {
    return parseDurationMs(text);
  } catch (error) {
    throw new UsageError(`--image-gc-interval "${text}": ${(error as Error).message}`);
  }
}

/** `--lb-port 80=8080`, repeatable: public port → the local port NGINX listens on. */
function collectPort(value: string, previous: Record<number, number>): Record<number, number> {
  const match = /^(\d{1,5})=(\d{1,5})$/.exec(value);
  const [pub, local] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || pub < 1 || pub > 65535 || local < 1 || local > 65535) {
    throw new UsageError(`--lb-port "${value}" must be PUBLIC=LOCAL ports, e.g. --lb-port 80=8080`);
  }
  return { ...previous, [pub]: local };
}

/** Repeatable string options (`--role`, `--insecure-registry`). */
function collectRole(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `bubo agent`: runs this host's instances as the server assigns them, until SIGINT/SIGTERM. */
export function registerAgent(program: Command, deps: CliDeps): void {
  program
    .command('agent')
    .description('run the host agent: register this server, run the instances the control plane assigns to it')
    .option('--server <url>', 'control plane address (like --addr; env BUBO_ADDR)')
    .option('--join <token>', 'first start: join the cluster with this join token ("bubo host join-token create"); later starts use the stored certificate')
    .option('--ca-fingerprint <sha256:hex>', 'with --join: the cluster CA fingerprint printed next to the token (checked before anything is sent)')
    .option('--group <group>', 'host group this server joins, e.g. web (with --token; with --join the token decides)')
    .option('--label <key=value>', 'a label of this host (repeatable)', collectLabel, {})
    .option('--role <role>', 'a role of this host, e.g. lb (repeatable)', collectRole, [])
    .option('--state-dir <dir>', 'images, instances and network state', '/var/lib/bubo/agent')
    .option('--name <name>', 'host name (default: the machine host name)')
    .option('--address <ip>', 'address other hosts reach this one on (default: the first non-loopback IPv4)')
    .option('--insecure-registry <host:port>', 'a registry reached over plain HTTP or with an untrusted certificate (repeatable; loopback registries always are)', collectRole, [])
    .option('--bridge <name>', 'instance bridge', 'bubo0')
    .option('--agent-listen <host:port>', "the agent's HTTP listener, which the server reads logs from (default <address>:7071)")
    .option('--image-gc-interval <duration>', 'how often images no instance uses are removed, e.g. 10m', '10m')
    .option('--drain-on-exit', 'stop every instance when the agent stops (default: leave them running)')
    .option('--runtime <name>', 'a runtime to offer: runc, qemu, firecracker (repeatable; default all, each used where it can work)', collectRole, [])
    .option('--lb-listen <address>', 'role lb: the address NGINX listens on', '0.0.0.0')
    .option('--lb-port <public=local>', 'role lb: listen on LOCAL for the public port PUBLIC, e.g. 80=8080 (repeatable)', collectPort, {})
    .option('--overlay <kind>', "how instances reach other hosts' instances: routes (hosts on one L2 segment) or vxlan (hosts across routers; MTU 1450)", 'routes')
    .option('--volume-driver <kind>', 'where volumes live: file (an ext4 image per volume, loop-mounted), lvm (a thin logical volume per volume in --lvm-pool) or dir (plain directories, for a laptop); file and lvm serve runc containers and QEMU microVMs (as a virtio disk), dir containers only', 'file')
    .option('--lvm-pool <vg/pool>', 'the LVM thin pool of --volume-driver lvm, e.g. data/bubo')
    .option('--backup-ssh-key <path>', 'the SSH key for sftp:// backup targets (default: ssh\'s own, ~/.ssh)')
    .option('--backup-known-hosts <path>', 'the known_hosts file for sftp:// backup targets; unknown host keys are refused (default: ~/.ssh/known_hosts)')
    .option('--volume-dir <path>', 'directory of the volumes (default <state-dir>/volumes)')
    .option('--kernel <path>', 'an uncompressed vmlinux for microVMs instead of the guest kit\'s Debian kernel')
    .option('--maintenance <file>', 'host maintenance allow-list: the commands, reboot and checks `bubo op start maintain` may run on this host (TOML; see docs/cluster.md)')
    .action(
      runCommand(deps, async (command) => {
        const o = command.opts<{ server?: string; join?: string; caFingerprint?: string; group?: string; label: Record<string, string>; role: string[]; stateDir: string; name?: string; address?: string; drainOnExit?: boolean; insecureRegistry: string[]; bridge: string; agentListen?: string; imageGcInterval: string; runtime: string[]; kernel?: string; lbListen: string; lbPort: Record<number, number>; overlay: string; volumeDriver: string; volumeDir?: string; lvmPool?: string; backupSshKey?: string; backupKnownHosts?: string; maintenance?: string }>();
        if (o.volumeDriver !== 'file' && o.volumeDriver !== 'dir' && o.volumeDriver !== 'lvm') throw new UsageError(`--volume-driver ${o.volumeDriver}: choose file, lvm or dir`);
        const lvmPool = parseLvmPool(o.volumeDriver, o.lvmPool);
        if (o.overlay !== 'routes' && o.overlay !== 'vxlan') throw new UsageError(`--overlay ${o.overlay}: choose routes or vxlan`);
        const { RUNTIME_NAMES } = await import('../../daemons/start-host-agent.js');
        const unknown = o.runtime.filter((r) => !(RUNTIME_NAMES as readonly string[]).includes(r));
        if (unknown.length > 0) throw new UsageError(`--runtime ${unknown[0]}: unknown runtime; choose from ${RUNTIME_NAMES.join(', ')}`);
        const g = globalOptions(command);
        const connection = await resolveConnection({
          addr: o.server ?? g.addr,
          token: g.token,
          env: deps.env,
          cwd: deps.cwd,
          home: deps.home,
          readFile: deps.readFile,
          ...(deps.uid === undefined ? {} : { uid: deps.uid }),
        });
        if (o.join && !o.caFingerprint) throw new UsageError('--join needs --ca-fingerprint sha256:… (printed by "bubo host join-token create")');
        if (o.join && g.token) throw new UsageError('--join and --token exclude each other: a joining host never holds the admin token');
        // A joining agent never uses the admin token, not even one found in the local defaults.
        const token = o.join ? undefined : (connection.token ?? undefined);
        const shutdown = deps.shutdownSignal();
        const { startHostAgent } = await import('../../daemons/start-host-agent.js');
        const running = await startHostAgent({
          server: connection.baseUrl,
          ...(token ? { token } : {}),
          ...(o.join ? { join: { token: o.join, caFingerprint: o.caFingerprint! } } : {}),
          ...(o.group ? { group: o.group } : {}),
          stateDir: o.stateDir,
          labels: o.label,
          roles: o.role,
          bridge: o.bridge,
          imageGcIntervalMs: parseInterval(o.imageGcInterval),
          registries: Object.fromEntries(o.insecureRegistry.map((host) => [host, { insecure: true }])),
          ...(o.name ? { name: o.name } : {}),
          ...(o.address ? { address: o.address } : {}),
          ...(o.agentListen ? { agentListen: o.agentListen } : {}),
          ...(o.runtime.length > 0 ? { runtimes: o.runtime as typeof RUNTIME_NAMES } : {}),
          ...(o.kernel ? { kernelPath: o.kernel } : {}),
          volumeDriver: o.volumeDriver,
          ...(o.volumeDir ? { volumeDir: o.volumeDir } : {}),
          ...(lvmPool ? { lvmPool } : {}),
          ...(o.backupSshKey ? { backupSshKey: o.backupSshKey } : {}),
          ...(o.backupKnownHosts ? { backupKnownHosts: o.backupKnownHosts } : {}),
          ...(o.maintenance ? { maintenanceFile: o.maintenance } : {}),
          lbListen: o.lbListen,
          lbPorts: o.lbPort,
          overlay: o.overlay,
          log: (line) => deps.stderr(`bubo agent: ${line}\n`),
        });
        deps.stdout(`bubo agent registered as ${running.agent.hostId} with ${connection.baseUrl} (group ${running.group}, state in ${o.stateDir})\n`);
        if (!shutdown.aborted) await new Promise((resolve) => shutdown.addEventListener('abort', resolve, { once: true }));
        const drain = Boolean(o.drainOnExit);
        deps.stderr(`bubo agent: ${String(shutdown.reason)} received, stopping${drain ? ' and draining instances' : '; instances keep running'}\n`);
        await running.stop({ drain });
      }),
    );
}

/** `--lvm-pool VG/POOL`, required with `--volume-driver lvm` and refused without it. */
export function parseLvmPool(driver: string, pool: string | undefined): { vg: string; pool: string } | undefined {
  if (driver !== 'lvm') {
    if (pool !== undefined) throw new UsageError('--lvm-pool is for --volume-driver lvm');
    return undefined;
  }
  if (pool === undefined) throw new UsageError('--volume-driver lvm needs --lvm-pool VG/POOL, the thin pool its volumes go in (e.g. data/bubo)');
  const match = /^([A-Za-z0-9+_.-]+)\/([A-Za-z0-9+_.-]+)$/.exec(pool);
  if (!match) throw new UsageError(`--lvm-pool ${pool}: write VG/POOL, a volume group and a thin pool in it (letters, digits, "+_.-")`);
  return { vg: match[1]!, pool: match[2]! };
}
