import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { CatalogEntry } from '../api/catalog.js';
import { LbConfigError, type LbConfigProblem } from './lb-config-error.js';

export interface NginxConfigInput {
  /** The catalog's services; only ports with `public` set and protocol `http` or `tcp` are published. */
  services: readonly CatalogEntry[];
  /** Private files of this nginx (see `nginxPaths`); absolute paths. */
  paths: { pidFile: string; errorLog: string; tempDir: string };
  /** Address every server listens on; default `0.0.0.0`. IPv4 or IPv6 literal. */
  listenAddress?: string;
  /** Public port → port nginx listens on (e.g. 80 → 8080 when 80 is taken); unlisted ports map to themselves. */
  portMap?: Readonly<Record<number, number>>;
  /** `worker_processes`; default `auto` (one per CPU). */
  workers?: number | 'auto';
}

/** Written on every published port for hosts no app claims. */
export const UNKNOWN_HOST_TEXT = 'bubo: no app is published under this host name';
/** Answer of a published host whose app has no serving instance (an empty upstream is invalid nginx). */
export const NO_INSTANCE_TEXT = 'bubo: no healthy instance';

/** Old workers still finishing requests after a reload are stopped after this long, so reloads cannot pile up workers. */
const WORKER_SHUTDOWN_TIMEOUT = '30s';

// The same rule as the task file's `public.host` (lower-case DNS name), checked again here because
// this is the last stop before text becomes nginx syntax.
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,126})$/;
/** Characters that could end a directive, open a block, close a quoted string or expand a variable. */
const UNSAFE_PATH = /[\p{Cc}"'\\$;{}]/u;

interface Site {
  /** Sort key and label: `namespace/app port NAME`. */
  where: string;
  namespace: string;
  app: string;
  host: string;
  publicPort: number;
  listenPort: number;
  tls: { cert: string; key: string } | null;
  upstream: string;
  servers: string[];
}

/**
 * The whole nginx.conf for a catalog: one `upstream` per published port of an app with serving
 * instances, one `server` per (listen port, host name), and per listen port a default server that
 * answers 404 (on a TLS port it refuses the handshake: it has no certificate to offer). Pure and
 * deterministic: the same catalog in any order gives the same text, so the caller can skip a
 * reload when nothing changed. Throws `LbConfigError` listing every problem instead of rendering
 * anything unsafe.
 */
export function renderNginxConfig(input: NginxConfigInput): string {
  const problems: LbConfigProblem[] = [];
  const listenAddress = input.listenAddress ?? '0.0.0.0';
  const listenFamily = isIP(listenAddress);
  if (listenFamily === 0) problems.push({ where: 'listenAddress', message: `${JSON.stringify(listenAddress)} is not an IPv4 or IPv6 address` });
  const listenHost = listenFamily === 6 ? `[${listenAddress}]` : listenAddress;

  for (const [name, path] of Object.entries(input.paths)) checkPath(`paths.${name}`, path, problems);
  const workers = input.workers ?? 'auto';
  if (workers !== 'auto' && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
    problems.push({ where: 'workers', message: `must be "auto" or a whole number from 1 to 256, not ${workers}` });
  }

  const portMap = input.portMap ?? {};
  for (const [from, to] of Object.entries(portMap)) {
    if (!isPort(Number(from)) || !isPort(to)) problems.push({ where: `portMap[${from}]`, message: `must map a port (1-65535) to a port, not ${from} → ${to}` });
  }
  const listenPortOf = (publicPort: number) => portMap[publicPort] ?? publicPort;

  const sites = collectSites(input.services, listenPortOf, problems);
  checkConflicts(sites, problems);
  if (problems.length > 0) throw new LbConfigError(problems);

  return renderText(sites, { listenHost, workers, paths: input.paths });
}

function collectSites(services: readonly CatalogEntry[], listenPortOf: (p: number) => number, problems: LbConfigProblem[]): Site[] {
  const sites: Site[] = [];
  for (const service of services) {
    for (const port of service.ports) {
      if (port.public === null || port.protocol === 'udp') continue;
      const where = `${service.namespace}/${service.app} port ${port.name}`;
      const before = problems.length;
      const host = port.public.host.toLowerCase();
      if (!NAME.test(service.namespace)) problems.push({ where, message: `namespace ${JSON.stringify(service.namespace)} is not a valid name` });
      if (!NAME.test(service.app)) problems.push({ where, message: `app name ${JSON.stringify(service.app)} is not a valid name` });
      if (!HOSTNAME.test(host)) problems.push({ where, message: `public host ${JSON.stringify(port.public.host)} is not a DNS name (letters, digits, "-" and ".")` });
      if (!isPort(port.public.port)) problems.push({ where, message: `public port ${port.public.port} is not a port number (1-65535)` });
      if (!isPort(port.port)) problems.push({ where, message: `instance port ${port.port} is not a port number (1-65535)` });
      if (port.public.tls) {
        checkPath(`${where} tls.cert`, port.public.tls.cert, problems);
        checkPath(`${where} tls.key`, port.public.tls.key, problems);
      }
      const servers = new Set<string>();
      for (const instance of service.instances) {
        const family = isIP(instance.address);
        if (family === 0) problems.push({ where, message: `instance ${instance.id} has address ${JSON.stringify(instance.address)}, not an IP address` });
        else servers.add(family === 6 ? `[${instance.address}]:${port.port}` : `${instance.address}:${port.port}`);
      }
      if (problems.length > before) continue;
      sites.push({
        where,
        namespace: service.namespace,
        app: service.app,
        host,
        publicPort: port.public.port,
        listenPort: listenPortOf(port.public.port),
        tls: port.public.tls,
        upstream: upstreamName(service.namespace, service.app, port.name, port.public.port),
        servers: [...servers].sort(compareServers),
      });
    }
  }
  return sites.sort((a, b) => a.listenPort - b.listenPort || compare(a.host, b.host) || compare(a.where, b.where));
}

function checkConflicts(sites: readonly Site[], problems: LbConfigProblem[]): void {
  const byListen = new Map<number, Site[]>();
  for (const site of sites) byListen.set(site.listenPort, [...(byListen.get(site.listenPort) ?? []), site]);
  for (const [listenPort, group] of byListen) {
    const publicPorts = [...new Set(group.map((s) => s.publicPort))];
    if (publicPorts.length > 1) {
      problems.push({
        where: `portMap`,
        message: `public ports ${publicPorts.join(' and ')} would both listen on ${listenPort}; map them to different ports`,
      });
    }
    const tls = group.filter((s) => s.tls !== null);
    if (tls.length > 0 && tls.length < group.length) {
      const plain = group.find((s) => s.tls === null)!;
      problems.push({
        where: plain.where,
        message: `port ${plain.publicPort} is published without TLS here and with TLS by ${tls[0]!.where}; one port is either TLS or plain HTTP`,
      });
    }
    const seen = new Map<string, Site>();
    for (const site of group) {
      const other = seen.get(site.host);
      if (other) problems.push({ where: site.where, message: `host ${site.host} on port ${site.publicPort} is already published by ${other.where}` });
      else seen.set(site.host, site);
    }
  }
}

interface RenderOptions {
  listenHost: string;
  workers: number | 'auto';
  paths: NginxConfigInput['paths'];
}

function renderText(sites: readonly Site[], { listenHost, workers, paths }: RenderOptions): string {
  const out: string[] = [];
  const maxHost = Math.max(0, ...sites.map((s) => s.host.length));
  out.push(
    "# Written by bubo's load balancer from the service catalog; replaced on every change, do not edit.",
    `worker_processes ${workers};`,
    `pid ${quote(paths.pidFile)};`,
    `error_log ${quote(paths.errorLog)} warn;`,
    `worker_shutdown_timeout ${WORKER_SHUTDOWN_TIMEOUT};`,
    '',
    'events {',
    '    worker_connections 1024;',
    '}',
    '',
    'http {',
    '    access_log off;',
    '    server_tokens off;',
    '    default_type text/plain;',
    `    client_body_temp_path ${quote(`${paths.tempDir}/client_body`)};`,
    `    proxy_temp_path ${quote(`${paths.tempDir}/proxy`)};`,
    `    fastcgi_temp_path ${quote(`${paths.tempDir}/fastcgi`)};`,
    `    uwsgi_temp_path ${quote(`${paths.tempDir}/uwsgi`)};`,
    `    scgi_temp_path ${quote(`${paths.tempDir}/scgi`)};`,
    // One bucket must hold the longest name (pointer + length + name, aligned, + terminator), or nginx refuses to start.
    `    server_names_hash_bucket_size ${Math.max(64, nextPowerOfTwo(align8(maxHost + 10) + 8))};`,
    `    server_names_hash_max_size ${Math.max(512, nextPowerOfTwo(sites.length * 4))};`,
    '',
    // No keep-alive towards clients: a graceful reload (every catalog change) closes the idle
    // client connections of the old workers, and a request a client sends on one at that moment
    // is reset; a connection an old worker accepted just before it was told to stop can be reset
    // too, so a client's one retry could fail again. Measured (PLATFORM.md §5): 0 failures with
    // keepalive_timeout 0 under 5 reloads/s, at the price of a new connection per request.
    '    keepalive_timeout 0;',
    '    proxy_http_version 1.1;',
    '    proxy_set_header Connection "";',
    '    proxy_set_header Host $host;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '    proxy_set_header X-Forwarded-Proto $scheme;',
    '    proxy_next_upstream error timeout http_502 http_503;',
    // Above Linux's initial SYN retransmission timeout (1 s): a busy instance whose accept queue
    // dropped the first SYN answers the retransmitted one; at 1 s every dropped SYN was a failure.
    '    proxy_connect_timeout 3s;',
  );

  const upstreams = new Map<string, Site>();
  for (const site of sites) if (site.servers.length > 0) upstreams.set(site.upstream, site);
  for (const [name, site] of [...upstreams].sort(([a], [b]) => compare(a, b))) {
    out.push('', `    # ${site.where}, public port ${site.publicPort}`, `    upstream ${name} {`);
    // max_fails=0: NGINX never marks a server failed on its own. Which instances serve is the
    // agent's health checks' decision (the catalog lists only healthy ones); NGINX's passive
    // accounting only added harm: a few connect timeouts from a busy backend marked every server
    // of a small app failed at once, and "no live upstreams" answered 502 for the whole
    // fail_timeout. A refused or timed-out attempt still goes to the next server
    // (proxy_next_upstream), so a request never waits on one slow instance alone.
    for (const server of site.servers) out.push(`        server ${server} max_fails=0;`);
    out.push('        keepalive 16;', '    }');
  }

  const listenPorts = [...new Set(sites.map((s) => s.listenPort))];
  for (const listenPort of listenPorts) {
    const group = sites.filter((s) => s.listenPort === listenPort);
    const tls = group[0]!.tls !== null;
    const listen = `${listenHost}:${listenPort}${tls ? ' ssl' : ''}`;
    out.push(
      '',
      `    # public port ${group[0]!.publicPort}${tls ? ' (TLS)' : ''}`,
      '    server {',
      `        listen ${listen} default_server;`,
      '        server_name _;',
    );
    // Without a certificate for unknown names the only safe TLS answer is to refuse the handshake.
    if (tls) out.push('        ssl_reject_handshake on;');
    out.push(`        return 404 "${UNKNOWN_HOST_TEXT}\\n";`, '    }');
    for (const site of group) {
      out.push('    server {', `        listen ${listen};`, `        server_name ${site.host};`);
      if (site.tls) out.push(`        ssl_certificate ${quote(site.tls.cert)};`, `        ssl_certificate_key ${quote(site.tls.key)};`);
      out.push('        location / {');
      if (site.servers.length > 0) out.push(`            proxy_pass http://${site.upstream};`);
      else out.push(`            return 503 "${NO_INSTANCE_TEXT} of ${site.namespace}/${site.app}\\n";`);
      out.push('        }', '    }');
    }
  }
  out.push('}', '');
  return out.join('\n');
}

/** Readable and unique: the slug keeps it legible, the hash of the exact names keeps `a.b` and `a_b` apart. */
function upstreamName(namespace: string, app: string, portName: string, publicPort: number): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const hash = createHash('sha256').update(JSON.stringify([namespace, app, portName, publicPort])).digest('hex').slice(0, 8);
  return `${slug(namespace)}__${slug(app)}__${slug(portName)}_${publicPort}_${hash}`;
}

function checkPath(where: string, path: string, problems: LbConfigProblem[]): void {
  if (!path.startsWith('/')) problems.push({ where, message: `${JSON.stringify(path)} must be an absolute path` });
  else if (UNSAFE_PATH.test(path)) {
    problems.push({ where, message: `${JSON.stringify(path)} contains a quote, backslash, "$", ";", "{", "}" or a control character` });
  }
}

/** Paths are checked by `checkPath` first; quoting keeps spaces in them harmless. */
function quote(path: string): string {
  return `"${path}"`;
}

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric order of addresses (10.0.0.9 before 10.0.0.10), then port; IPv6 after IPv4. */
function compareServers(a: string, b: string): number {
  const key = (s: string) => {
    const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(s);
    return v4 ? v4.slice(1).map((n) => n.padStart(5, '0')).join('.') : `~${s}`;
  };
  return compare(key(a), key(b));
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
