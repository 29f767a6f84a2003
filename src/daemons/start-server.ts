import { join } from 'node:path';
import { parseCidr } from '../core/allocate-subnet.js';
import { createCore } from '../core/create-core.js';
import type { CoreOptions } from '../core/core-context.js';
import { DomainError } from '../errors/domain-error.js';
import { secureStateDir } from '../fs/secure-state-dir.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { ensureAdminToken } from '../http/admin-token.js';
import { buildHttpApp } from '../http/build-http-app.js';
import { agentLogOpener } from '../client/open-agent-logs.js';
import { agentCaller } from '../client/agent-caller.js';
import { BackupScheduler } from '../core/backups/backup-scheduler.js';
import { OperationRunner } from '../core/operations/operation-runner.js';
import { ensureClusterCa } from '../pki/cluster-ca.js';
import { hostIdentityUri } from '../pki/identity-uri.js';
import { issueServerCredentials } from '../pki/server-credentials.js';
import { signHostCsr } from '../pki/sign-host-csr.js';
import type { HostCertAuthority } from '../core/host-cert-authority.js';
import { SecretKeyring } from '../secrets/secret-keyring.js';
import { auditFileSink } from './audit-file-sink.js';
import { auditSyslogSink, parseSyslogTarget } from './audit-syslog-sink.js';

export interface ServerOptions {
  stateDir: string;
  /** `host:port`; port 0 picks a free port. */
  listen: string;
  /** `host:port` of the TLS listener for agents on other machines (mTLS); none when absent. */
  tlsListen?: string;
  /** Names and addresses of the TLS certificate (default: host name and non-loopback IPv4 addresses). */
  tlsSans?: readonly string[];
  core?: Partial<CoreOptions>;
  /** How long the host certificates it signs (join, renewal) are valid; default 30 days (`--host-cert-ttl`). */
  hostCertValidityMs?: number;
  /**
   * The key file secrets are encrypted with (created 0600 when missing); default
   * `secret-keys.json` in the state directory. Keep it off the database's backups, or back it up apart.
   */
  secretKeyFile?: string;
  /** Also append every audit record as a JSON line to this file (0600), for the site's SIEM. */
  auditLog?: string;
  /** Also send every audit record to syslog: `true` the local one, `host:port` a collector over UDP. */
  auditSyslog?: string | true;
  /** Start-up notices (a state directory whose permissions were fixed); default: stderr. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  /** `https://…` of the TLS listener, when there is one. */
  tlsUrl?: string;
  /** `sha256:<hex>` of the cluster CA certificate: what joining agents pin. */
  caFingerprint: string;
  adminTokenPath: string;
  tokenCreated: boolean;
  close(): Promise<void>;
}

/** `bubo server`: state directory, store, admin token, control loop and HTTP listener. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { host, port } = parseListen(options.listen);
  if (options.core?.clusterCidr) parseCidr(options.core.clusterCidr);
  const log = options.log ?? ((line: string) => process.stderr.write(`bubo server: ${line}\n`));
  await secureStateDir(options.stateDir, log);
  const { token, path: adminTokenPath, created } = await ensureAdminToken(options.stateDir);
  const tlsListen = options.tlsListen ? parseListen(options.tlsListen, '--tls-listen') : undefined;
  const ca = await ensureClusterCa(options.stateDir);
  if (ca.created) log(`created the cluster CA in ${join(options.stateDir, 'pki')} (fingerprint ${ca.fingerprint})`);
  const credentials = await issueServerCredentials(ca, { listenHost: tlsListen?.host ?? host, sans: options.tlsSans ?? [] });
  const pki: HostCertAuthority = {
    caCertPem: ca.certPem,
    caFingerprint: ca.fingerprint,
    joinUrl: null,
    signHost: (input) => signHostCsr(ca, { ...input, ...(options.hostCertValidityMs ? { validityMs: options.hostCertValidityMs } : {}) }),
  };
  const store = await openSqliteStore(join(options.stateDir, 'bubo.db'));
  // The keys the stored values name must all be in the key file: a lost or wrong file stops the
  // server here, not every instance start later.
  const keyring = await SecretKeyring.open(
    options.secretKeyFile ?? join(options.stateDir, 'secret-keys.json'),
    log,
    (await store.listSecrets()).map((s) => s.sealed.keyId),
  ).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const { ctx, loop, peers } = createCore({ store, options: options.core ?? {}, pki, keyring });
  const agentAuth = { token, tls: { ca: ca.certPem, cert: credentials.clientCert, key: credentials.clientKey }, hostIdentity: hostIdentityUri };
  const agentLogs = agentLogOpener(agentAuth);
  const agentCall = agentCaller(agentAuth);
  const sinks = [
    ...(options.auditLog ? [auditFileSink(options.auditLog, log).write] : []),
    ...(options.auditSyslog !== undefined ? [auditSyslogSink(parseSyslogTarget(options.auditSyslog), log).write] : []),
  ];
  const auditSink =
    sinks.length > 0
      ? (record: Parameters<(typeof sinks)[number]>[0]) => {
          for (const sink of sinks) sink(record);
        }
      : undefined;
  const app = buildHttpApp({ ctx, token, agentLogs, agentCall, ...(auditSink ? { auditSink } : {}) });
  const tlsApp = tlsListen
    ? buildHttpApp({ ctx, token, agentLogs, agentCall, ...(auditSink ? { auditSink } : {}), tls: { cert: credentials.tlsCertChain, key: credentials.tlsKey, ca: ca.certPem } })
    : undefined;
  const listening: { close(): Promise<void> }[] = [];
  try {
    await listenOn(app, host, port, options.listen, '--listen');
    listening.push(app);
    if (tlsApp && tlsListen) await listenOn(tlsApp, tlsListen.host, tlsListen.port, options.tlsListen!, '--tls-listen');
  } catch (error) {
    for (const open of listening) await open.close();
    await store.close();
    throw error;
  }
  loop.start();
  const backups = new BackupScheduler(ctx, agentCall, { intervalMs: 5_000, onError: (error) => log(`backups: ${(error as Error).message}`) });
  backups.start();
  const operations = new OperationRunner(ctx, agentCall, { intervalMs: 1_000, onError: (error) => log(`operations: ${(error as Error).message}`) });
  ctx.wakeOperations = () => void operations.tick();
  operations.start();
  // A server stopped between a host joining and its announcement (a crash) announces now.
  ctx.announcePeers();
  if (tlsApp && tlsListen) pki.joinUrl = joinUrl(urlOf('https', tlsApp, tlsListen.host, tlsListen.port), tlsListen.host, credentials.names);
  return {
    url: urlOf('http', app, host, port),
    ...(tlsApp && tlsListen ? { tlsUrl: urlOf('https', tlsApp, tlsListen.host, tlsListen.port) } : {}),
    caFingerprint: ca.fingerprint,
    adminTokenPath,
    tokenCreated: created,
    close: async () => {
      backups.stop();
      operations.stop();
      await loop.stop();
      await peers.flush();
      await ctx.heartbeats.flush(store).catch(() => {});
      ctx.notifier.notifyAll();
      await app.close();
      await tlsApp?.close();
      await store.close();
    },
  };
}

/**
 * Connections the kernel queues until the server accepts them (it caps this at
 * `net.core.somaxconn`, 4096 on current kernels). Node's default, 511, overflowed when thousands
 * of agents connected at once (a mass join, every agent reconnecting after a server restart): a
 * dropped SYN is retried after 1, 3, 7, 15 s, so heartbeats of a few agents took 15 s and their
 * hosts came close to being marked down.
 */
const LISTEN_BACKLOG = 4096;

async function listenOn(app: ReturnType<typeof buildHttpApp>, host: string, port: number, listen: string, flag: string): Promise<void> {
  try {
    await app.listen({ host, port, backlog: LISTEN_BACKLOG });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new DomainError('invalid_config', `cannot listen on ${listen}: address already in use; is another bubo server running? pick another ${flag}`);
    if (code === 'EADDRNOTAVAIL') throw new DomainError('invalid_config', `cannot listen on ${listen}: no such local address`);
    throw error;
  }
}

/** Where agents join: the TLS listener's address, or for a wildcard one the certificate's first name that is not loopback. */
function joinUrl(tlsUrl: string, listenHost: string, names: readonly string[]): string {
  if (listenHost !== '0.0.0.0' && listenHost !== '::') return tlsUrl;
  const url = new URL(tlsUrl);
  const name = names.find((n) => n !== 'localhost' && !n.startsWith('127.'));
  if (name) url.hostname = name;
  return url.toString().replace(/\/$/, '');
}

function urlOf(scheme: 'http' | 'https', app: ReturnType<typeof buildHttpApp>, host: string, port: number): string {
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return `${scheme}://${urlHost}:${boundPort}`;
}

export function parseListen(listen: string, flag = '--listen'): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) {
    throw new DomainError('invalid_config', `${flag} "${listen}" must be host:port, e.g. 127.0.0.1:7070 or 0.0.0.0:7070`);
  }
  return { host: match[1] ?? match[2]!, port };
}
