import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { readJsonFile } from '../fs/read-json-file.js';
import { writeJsonFile } from '../fs/write-json-file.js';

/**
 * What a running DNS process says about itself (`<state>/dns/dns.json`). It writes the file once
 * it has bound its sockets and removes it before it closes them, so a replacement (which can only
 * bind after that) never has its own record removed by the process it replaced.
 */
export const DnsProcessRecord = z.object({
  pid: z.number().int().positive(),
  /** The bubo version it runs: an agent of another version replaces it. */
  version: z.string(),
  /** `ip:port` it answers on. */
  listen: z.string(),
  /** `ip:port` upstreams it was given (empty: the host's resolv.conf, read at its start). */
  upstreams: z.array(z.string()),
  started_at: z.string(),
});
export type DnsProcessRecord = z.infer<typeof DnsProcessRecord>;

/** The record, or null when missing or unreadable (a damaged file counts as no process recorded). */
export function readDnsProcessRecord(path: string): Promise<DnsProcessRecord | null> {
  return readJsonFile(path, DnsProcessRecord);
}

/** Atomic: a reader sees the old record or the new one. */
export function writeDnsProcessRecord(path: string, record: DnsProcessRecord): Promise<void> {
  return writeJsonFile(path, record);
}

/** Removes the record if it is still `pid`'s. */
export async function removeDnsProcessRecord(path: string, pid: number): Promise<void> {
  if ((await readDnsProcessRecord(path))?.pid === pid) await rm(path, { force: true });
}
