import type { Command } from 'commander';
import { defaultServerStateDir } from '../../client/default-state-dir.js';
import { parseSyslogTarget } from '../../daemons/audit-syslog-sink.js';
import type { CliDeps } from '../cli-deps.js';
import { globalOptions } from '../global-options.js';
import { hostCertTtlOption } from '../host-cert-ttl-option.js';
import { hostTtlOptions } from '../host-ttl-options.js';
import { openClient } from '../open-client.js';
import { printJson } from '../print-json.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../usage-error.js';

/** `bubo server`: runs the control plane until SIGINT or SIGTERM, then closes it gracefully. */
export function registerServer(program: Command, deps: CliDeps): void {
  const server = program
    .command('server')
    .description('run the bubo control plane (HTTP API, scheduler, deploy engine)')
    .option('--state-dir <dir>', 'where the database and admin.token live (default: /var/lib/bubo/server for root, else ~/.local/share/bubo/server)')
    .option('--listen <addr>', 'host:port of the plain HTTP listener (CLI, bubo up; keep it on loopback)', '127.0.0.1:7070')
    .option('--tls-listen <addr>', 'host:port of the TLS listener for agents on other machines and remote admins, e.g. 0.0.0.0:7443')
    .option('--tls-san <name>', 'a host name or IP address the TLS certificate is valid for (repeatable; default: this machine\'s name and IPv4 addresses)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--cluster-cidr <cidr>', 'IPv4 range from which every host gets a /24 for its instances', '10.88.0.0/16')
    .option('--host-ttl <duration>', 'a host silent this long is marked down and its instances unknown (default 8s)')
    .option('--secret-key-file <path>', 'the key file secrets are encrypted with, created 0600 when missing (default: secret-keys.json in the state directory; keep it out of database backups, back it up on its own)')
    .option('--audit-log <file>', 'also append every audit record (calls that change something, refused ones included) to this file as JSON lines, 0600, for a log shipper or SIEM')
    .option('--audit-syslog [host:port]', 'also send every audit record to syslog (tag bubo-audit, auth.notice): the local one, or a collector over UDP')
    .option('--host-cert-ttl <duration>', 'how long the host certificates it signs are valid, at join and renewal; e.g. 30d, 12h; agents renew with a third left (default 30d, at least 5s)')
    .action(
      runCommand(deps, async (command) => {
        const options = command.opts<{ stateDir?: string; listen: string; tlsListen?: string; tlsSan: string[]; clusterCidr: string; hostTtl?: string; hostCertTtl?: string; secretKeyFile?: string; auditLog?: string; auditSyslog?: string | true }>();
        const ttl = hostTtlOptions(options.hostTtl);
        if (options.auditSyslog !== undefined) {
          try {
            parseSyslogTarget(options.auditSyslog);
          } catch (error) {
            throw new UsageError((error as Error).message);
          }
        }
        const certTtl = hostCertTtlOption(options.hostCertTtl);
        const stateDir = options.stateDir ?? defaultServerStateDir({ home: deps.home, ...(deps.uid === undefined ? {} : { uid: deps.uid }) });
        const shutdown = deps.shutdownSignal();
        const start = deps.startServer ?? (await import('../../daemons/start-server.js')).startServer;
        const server = await start({
          stateDir,
          listen: options.listen,
          ...(options.tlsListen ? { tlsListen: options.tlsListen, tlsSans: options.tlsSan } : {}),
          core: { clusterCidr: options.clusterCidr, ...ttl },
          ...certTtl,
          ...(options.secretKeyFile ? { secretKeyFile: options.secretKeyFile } : {}),
          ...(options.auditLog ? { auditLog: options.auditLog } : {}),
          ...(options.auditSyslog !== undefined ? { auditSyslog: options.auditSyslog } : {}),
        });
        if (globalOptions(command).json) {
          printJson(deps, { url: server.url, tls_url: server.tlsUrl ?? null, ca_fingerprint: server.caFingerprint ?? null, state_dir: stateDir, admin_token_path: server.adminTokenPath });
        } else {
          const tls = server.tlsUrl ? `TLS (agents, mTLS): ${server.tlsUrl}\ncluster CA: ${server.caFingerprint}\n` : '';
          deps.stdout(`bubo server listening on ${server.url}\n${tls}state dir: ${stateDir}\nadmin token: ${server.adminTokenPath}\n`);
        }
        if (!shutdown.aborted) await new Promise((resolve) => shutdown.addEventListener('abort', resolve, { once: true }));
        deps.stderr(`bubo: ${String(shutdown.reason)} received, stopping\n`);
        await server.close();
      }),
    );
  server
    .command('rotate-key')
    .description('make a new secret key current, re-encrypt every stored secret with it and drop the old keys from the key file (run against a running server)')
    .action(
      runCommand(deps, async (command) => {
        const rotated = await (await openClient(command, deps)).call('rotateSecretKey');
        if (globalOptions(command).json) return printJson(deps, rotated);
        const retired = rotated.retired.length > 0 ? `; dropped ${rotated.retired.join(', ')} from the key file` : '';
        deps.stdout(`secret key rotated to ${rotated.key_id}: ${rotated.resealed} stored value(s) re-encrypted${retired}\n`);
      }),
    );
}
