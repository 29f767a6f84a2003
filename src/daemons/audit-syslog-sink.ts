import type { AuditRecord } from '../domain/audit-record.js';
import { cmd, type Command } from '../exec/command.js';
import { type Executor, runCommand } from '../exec/run-command.js';

/**
 * `logger` (util-linux, in every Debian) sending one audit record, given on stdin (never an
 * argument), tagged `bubo-audit` at auth.notice: to the local syslog, or with `remote` over UDP
 * (RFC 5424) to a collector.
 */
export function auditSyslogCommand(line: string, remote: { host: string; port: number } | null): Command {
  const argv: [string, ...string[]] = ['logger', '--tag', 'bubo-audit', '--priority', 'auth.notice'];
  if (remote) argv.push('--udp', '--server', remote.host, '--port', String(remote.port));
  return { ...cmd(...argv), input: `${line}\n`, timeoutMs: 10_000 };
}

/** `host:port` of `--audit-syslog`, or null for the local syslog (`--audit-syslog` alone). */
export function parseSyslogTarget(text: string | true): { host: string; port: number } | null {
  if (text === true || text === 'local') return null;
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) throw new Error(`--audit-syslog "${text}" must be host:port (UDP), e.g. siem.example:514, or nothing for the local syslog`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Every audit record also to syslog, one message per record, in the order stored; a failure is
 * reported (the database keeps the record) and does not stop the API.
 */
export function auditSyslogSink(remote: { host: string; port: number } | null, report: (line: string) => void, exec: Executor = runCommand) {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    write: (record: Omit<AuditRecord, 'id'>) => {
      const line = JSON.stringify({ ...record, at: new Date(record.at).toISOString() });
      queue = queue
        .then(() => exec(auditSyslogCommand(line, remote)))
        .catch((error: Error) => report(`cannot send an audit record to syslog: ${error.message}`));
    },
    idle: () => queue.then(() => {}),
  };
}
