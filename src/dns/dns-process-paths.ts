import { join, resolve } from 'node:path';

/** Every file of an agent's DNS process. Paths are absolute: they appear in its argv, which is how it is recognised. */
export interface DnsProcessPaths {
  /** The agent's state directory (`--state-dir` of `bubo dns serve`). */
  stateDir: string;
  /** The catalog the agent saves and the DNS process answers from (`followCatalog`'s `stateFile`). */
  catalogFile: string;
  /** `<state>/dns`: the process's own files. */
  dir: string;
  /** Written by the DNS process once it serves: pid, version, listen address, upstreams (`DnsProcessRecord`). */
  recordFile: string;
  /** Its stdout and stderr. */
  logFile: string;
}

export function dnsProcessPaths(stateDir: string): DnsProcessPaths {
  const root = resolve(stateDir);
  const dir = join(root, 'dns');
  return { stateDir: root, catalogFile: join(root, 'catalog.json'), dir, recordFile: join(dir, 'dns.json'), logFile: join(dir, 'dns.log') };
}
