import type { DnsProcessRecord } from './dns-process-record.js';

/** What the agent found before starting DNS: the record, what /proc says of its pid, other DNS processes of its state directory. */
export interface DnsProcessFacts {
  record: DnsProcessRecord | null;
  /** The recorded pid: exited (or a zombie), another program now (pid reused), or our `bubo dns serve`. Ignored without a record. */
  recorded: 'dead' | 'foreign' | 'ours';
  /** Live `bubo dns serve` processes of this state directory that the record does not name. */
  unrecorded: readonly number[];
}

/** The DNS process this agent would start. */
export interface WantedDnsProcess {
  version: string;
  listen: string;
  upstreams: readonly string[];
}

export type DnsAdoption =
  | { action: 'adopt'; pid: number; reason: string }
  | { action: 'start'; reason: string }
  | { action: 'replace'; pid: number; reason: string };

/**
 * Adopt, start or replace (pure). A live DNS process of this state directory is adopted when it
 * runs this bubo version with the same address and upstreams, and replaced otherwise (the new
 * process takes the address over, see `serveDnsProcess`); a second one is never started next to
 * it. A stale record (exited or reused pid) means start; a foreign process is never touched.
 */
export function decideDnsAdoption(facts: DnsProcessFacts, wanted: WantedDnsProcess): DnsAdoption {
  const { record } = facts;
  if (record && facts.recorded === 'ours') {
    const was = `DNS process ${record.pid}`;
    if (record.version !== wanted.version) return { action: 'replace', pid: record.pid, reason: `${was} runs bubo ${record.version}, this agent is ${wanted.version}` };
    if (record.listen !== wanted.listen) return { action: 'replace', pid: record.pid, reason: `${was} answers on ${record.listen}, the bridge is now ${wanted.listen}` };
    if (!sameList(record.upstreams, wanted.upstreams)) {
      return { action: 'replace', pid: record.pid, reason: `${was} forwards to ${list(record.upstreams)}, the host's resolvers are now ${list(wanted.upstreams)}` };
    }
    return { action: 'adopt', pid: record.pid, reason: `adopted ${was} (bubo ${record.version} on ${record.listen})` };
  }
  const [orphan] = facts.unrecorded;
  if (orphan !== undefined) return { action: 'replace', pid: orphan, reason: `DNS process ${orphan} serves this state directory without a record (version unknown)` };
  if (!record) return { action: 'start', reason: 'no DNS process recorded' };
  if (facts.recorded === 'dead') return { action: 'start', reason: `the recorded DNS process ${record.pid} is not running` };
  return { action: 'start', reason: `the recorded pid ${record.pid} is another program now (left alone)` };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function list(upstreams: readonly string[]): string {
  return upstreams.length === 0 ? 'nowhere' : upstreams.join(', ');
}
