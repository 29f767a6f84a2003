import { fileURLToPath } from 'node:url';
import type { ImageConfig } from './umoci-commands.js';

/** One entry of an image's root filesystem. */
export type RootfsEntry =
  | { kind: 'dir'; path: string; mode?: number }
  /** A host file copied in (symlinks followed), with its mode. */
  | { kind: 'copy'; path: string; from: string; mode?: number }
  | { kind: 'text'; path: string; content: string; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

/** What to build: one tag of one OCI layout (`<cache>/<key>/<name>`), its rootfs and config. */
export interface ImageSpec {
  /** Layout directory name, and the repository name under `bubo/` when pushed. */
  name: 'busybox-httpd' | 'redis' | 'demo-web' | 'postgres' | 'rabbitmq';
  tag: string;
  rootfs: RootfsEntry[];
  config: ImageConfig;
}

/** What the host provides, found by `build-test-images.ts` (Debian's busybox-static and redis-server). */
export interface HostInputs {
  busybox: string;
  applets: string[];
  /** The real file behind /usr/bin/redis-server (Debian links it to redis-check-rdb). */
  redisServer: string;
  /** Absolute paths from `ldd`, the dynamic loader included. */
  redisLibraries: string[];
  postgres: PostgresInputs;
  rabbitmq: RabbitmqInputs;
}

/** Debian's postgresql-15, copied in at the paths it was built for (it finds its share dir from its bin dir). */
export interface PostgresInputs {
  /** Programs of /usr/lib/postgresql/15/bin: the server, initdb, the clients a DBA needs. */
  programs: string[];
  /** The server's loadable modules (plpgsql, encodings, snowball, contrib), without the LLVM JIT. */
  modules: string[];
  /** /usr/share/postgresql/15 (catalog bootstrap, timezone sets, extensions) and the UTC zone. */
  data: string[];
  /** What `ldd` lists for programs and modules together, the loader included. */
  libraries: string[];
}

/**
 * Debian's rabbitmq-server and the Erlang runtime it runs on, copied in whole at their own paths
 * (/usr/lib/erlang, /usr/lib/rabbitmq: about 60 MB, of which trimming would save little).
 */
export interface RabbitmqInputs {
  /** Every regular file of both trees, with its mode. */
  files: { path: string; mode: number }[];
  /** Symlinks kept as symlinks: RabbitMQ's scripts find their home by resolving their own path. */
  symlinks: { path: string; target: string }[];
  /** What `ldd` lists for the emulator's programs and every NIF or driver (`*.so`), the loader included. */
  libraries: string[];
}

/** Where Debian puts PostgreSQL 15's programs; the image's PATH starts here. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

const asset = (name: string): string => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));

const PATH = 'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

const baseDirs = (): RootfsEntry[] => [
  { kind: 'dir', path: '/etc' },
  { kind: 'dir', path: '/tmp', mode: 0o1777 },
  { kind: 'dir', path: '/root', mode: 0o700 },
  { kind: 'text', path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
  { kind: 'text', path: '/etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
  // A runtime may bind-mount its own over this; the default lets "localhost" resolve.
  { kind: 'text', path: '/etc/hosts', content: '127.0.0.1 localhost\n::1 localhost\n' },
];

/** Static busybox as /bin/busybox plus one symlink per applet (sh, httpd, wget, nc, ...). */
const busyboxEntries = (host: HostInputs): RootfsEntry[] => [
  { kind: 'dir', path: '/bin' },
  { kind: 'copy', path: '/bin/busybox', from: host.busybox, mode: 0o755 },
  ...host.applets.filter((applet) => applet !== 'busybox').map((applet): RootfsEntry => ({ kind: 'symlink', path: `/bin/${applet}`, target: 'busybox' })),
];

function busyboxHttpd(version: '1' | '2', host: HostInputs): ImageSpec {
  return {
    name: 'busybox-httpd',
    tag: version,
    rootfs: [
      ...baseDirs(),
      ...busyboxEntries(host),
      { kind: 'copy', path: '/bin/entry.sh', from: asset('httpd-entry.sh'), mode: 0o755 },
      { kind: 'dir', path: '/www' },
      // Replaced at start by the entrypoint, which knows the hostname.
      { kind: 'text', path: '/www/index.html', content: `<!doctype html>\n<title>bubo test v${version}</title>\n<h1>v${version}</h1>\n<p>hostname unknown</p>\n` },
      { kind: 'text', path: '/www/healthz', content: 'ok\n' },
    ],
    config: { entrypoint: ['/bin/entry.sh'], cmd: [], env: [PATH, `VERSION=${version}`], workingdir: '/www', exposedports: ['80/tcp'] },
  };
}

function redis(host: HostInputs): ImageSpec {
  return {
    name: 'redis',
    tag: '7',
    rootfs: [
      { kind: 'dir', path: '/tmp', mode: 0o1777 },
      { kind: 'dir', path: '/data' },
      // A shell, so a task can hand Redis its password from a secret file without a command line.
      ...busyboxEntries(host),
      { kind: 'copy', path: '/usr/bin/redis-server', from: host.redisServer, mode: 0o755 },
      ...host.redisLibraries.map((path): RootfsEntry => ({ kind: 'copy', path, from: path, mode: 0o755 })),
    ],
    // The flags are the cmd, so a task file's `args` can replace them and keep the binary.
    // umoci drops empty arguments, so `--save ""` cannot be stored; Redis 7 reads a `--save`
    // with no value (last, or followed by another `--flag`) as `save ""`: no snapshots.
    config: {
      entrypoint: ['/usr/bin/redis-server'],
      cmd: ['--port', '6379', '--bind', '0.0.0.0', '--protected-mode', 'no', '--save'],
      env: [PATH],
      workingdir: '/data',
      exposedports: ['6379/tcp'],
    },
  };
}

function demoWeb(host: HostInputs): ImageSpec {
  return {
    name: 'demo-web',
    tag: '1',
    rootfs: [
      ...baseDirs(),
      ...busyboxEntries(host),
      { kind: 'copy', path: '/bin/entry.sh', from: asset('demo-entry.sh'), mode: 0o755 },
      { kind: 'dir', path: '/www' },
      { kind: 'dir', path: '/www/cgi-bin' },
      { kind: 'copy', path: '/www/cgi-bin/index', from: asset('demo-index.cgi'), mode: 0o755 },
      // busybox httpd runs cgi-bin/index.cgi for "/" when there is no index.html.
      { kind: 'symlink', path: '/www/cgi-bin/index.cgi', target: 'index' },
      { kind: 'text', path: '/www/healthz', content: 'ok\n' },
    ],
    config: {
      entrypoint: ['/bin/entry.sh'],
      cmd: [],
      env: [PATH, 'REDIS_HOST=redis.default.bubo.internal', 'REDIS_PORT=6379'],
      workingdir: '/www',
      exposedports: ['80/tcp'],
    },
  };
}

/**
 * PostgreSQL 15 from Debian's package. The entrypoint creates the cluster on first start (in the
 * volume, password from a secret), runs the server as `postgres`, and turns SIGTERM into SIGINT:
 * a fast shutdown, which ends sessions and checkpoints within the stop timeout, where Postgres's
 * own SIGTERM (smart shutdown) would wait for every client to leave.
 */
function postgres(host: HostInputs): ImageSpec {
  const { programs, modules, data, libraries } = host.postgres;
  return {
    name: 'postgres',
    tag: '15',
    rootfs: [
      ...baseDirs().filter((entry) => entry.path !== '/etc/passwd' && entry.path !== '/etc/group'),
      { kind: 'text', path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\npostgres:x:101:101:PostgreSQL:/var/lib/postgresql:/bin/sh\n' },
      { kind: 'text', path: '/etc/group', content: 'root:x:0:\npostgres:x:101:\n' },
      { kind: 'dir', path: '/var/lib/postgresql/data' },
      { kind: 'dir', path: '/var/run/postgresql', mode: 0o2775 },
      ...busyboxEntries(host),
      { kind: 'copy', path: '/usr/local/bin/postgres-entry.sh', from: asset('postgres-entry.sh'), mode: 0o755 },
      ...[...programs, ...modules, ...libraries].map((path): RootfsEntry => ({ kind: 'copy', path, from: path, mode: 0o755 })),
      ...data.map((path): RootfsEntry => ({ kind: 'copy', path, from: path, mode: 0o644 })),
    ],
    config: {
      entrypoint: ['/usr/local/bin/postgres-entry.sh'],
      cmd: [],
      env: [`PATH=${POSTGRES_BIN}:/usr/local/bin:/usr/bin:/bin`, 'PGDATA=/var/lib/postgresql/data/pgdata', 'TZ=UTC', 'LANG=C'],
      workingdir: '/var/lib/postgresql',
      exposedports: ['5432/tcp'],
    },
  };
}

/**
 * RabbitMQ 3 (Debian 12's 3.10 on Erlang 25). The entrypoint keeps everything under
 * /var/lib/rabbitmq (the volume), names the node rabbit@localhost whatever the instance's
 * hostname (Mnesia ties its data to the node name), makes the Erlang cookie once, and creates user
 * `bubo` on first start with the password from a secret file. `HOME` and `RABBITMQ_NODENAME` are
 * in the image's env so that the CLI tools (`rabbitmq-diagnostics ping`, a health check run in
 * the instance) find the cookie and the node.
 */
function rabbitmq(host: HostInputs): ImageSpec {
  const { files, symlinks, libraries } = host.rabbitmq;
  return {
    name: 'rabbitmq',
    tag: '3',
    rootfs: [
      // root's home is the data directory too, so that whatever sets HOME from /etc/passwd (umoci
      // does) agrees with the image's env: the CLI tools look for the cookie in $HOME.
      ...baseDirs().filter((entry) => entry.path !== '/etc/passwd'),
      { kind: 'text', path: '/etc/passwd', content: 'root:x:0:0:root:/var/lib/rabbitmq:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
      { kind: 'dir', path: '/var/lib/rabbitmq', mode: 0o755 },
      // Erlang's crash dumps (RABBITMQ_LOG_BASE); the logs themselves go to stdout.
      { kind: 'dir', path: '/var/log/rabbitmq', mode: 0o755 },
      ...busyboxEntries(host),
      { kind: 'copy', path: '/usr/local/bin/rabbitmq-entry.sh', from: asset('rabbitmq-entry.sh'), mode: 0o755 },
      ...files.map(({ path, mode }): RootfsEntry => ({ kind: 'copy', path, from: path, mode })),
      ...symlinks.map(({ path, target }): RootfsEntry => ({ kind: 'symlink', path, target })),
      ...libraries.map((path): RootfsEntry => ({ kind: 'copy', path, from: path, mode: 0o755 })),
    ],
    config: {
      entrypoint: ['/usr/local/bin/rabbitmq-entry.sh'],
      cmd: [],
      env: [
        'PATH=/usr/lib/rabbitmq/bin:/usr/lib/erlang/bin:/usr/local/bin:/usr/bin:/bin',
        'HOME=/var/lib/rabbitmq',
        'RABBITMQ_NODENAME=rabbit@localhost',
        'RABBITMQ_LOG_BASE=/var/log/rabbitmq',
        'LANG=C.UTF-8',
      ],
      workingdir: '/var/lib/rabbitmq',
      exposedports: ['5672/tcp'],
    },
  };
}

/** The test images, in build order. Pure: the host's files are named in `host`. */
export function imageSpecs(host: HostInputs): ImageSpec[] {
  return [busyboxHttpd('1', host), busyboxHttpd('2', host), redis(host), demoWeb(host), postgres(host), rabbitmq(host)];
}
