import type { HostCert } from '../domain/host-cert.js';
import type { HostCertRow } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { fromNumberColumn as num } from './number-column.js';

export function hostCertToRow(cert: HostCert): HostCertRow {
  return {
    fingerprint: cert.fingerprint,
    host_name: cert.hostName,
    group_name: cert.group,
    labels: toJsonColumn(cert.labels),
    roles: toJsonColumn(cert.roles),
    serial: cert.serial,
    not_after: cert.notAfter,
    issued_at: cert.issuedAt,
    join_token_id: cert.joinTokenId,
  };
}

export function rowToHostCert(row: HostCertRow): HostCert {
  return {
    fingerprint: row.fingerprint,
    hostName: row.host_name,
    group: row.group_name,
    labels: fromJsonColumn<Record<string, string>>(row.labels),
    roles: fromJsonColumn<string[]>(row.roles),
    serial: row.serial,
    notAfter: num(row.not_after),
    issuedAt: num(row.issued_at),
    joinTokenId: row.join_token_id,
  };
}
