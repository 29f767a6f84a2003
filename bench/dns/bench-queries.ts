import type { CatalogResponse } from '../../src/api/catalog.js';

export type QueryKind = 'app' | 'srv' | 'instance' | 'nxdomain';

export interface BenchQuery {
  name: string;
  type: 'A' | 'SRV';
  kind: QueryKind;
  /** The records a correct server answers, as dig prints them (`name. ttl IN TYPE data`), any order. */
  answer: string[];
  /** The additional records (SRV targets' addresses). */
  additional: string[];
  status: 'NOERROR' | 'NXDOMAIN';
}

/**
 * The query mix both servers get, in order (dnsperf loops over it): per app two A queries for
 * the app name, one SRV for its `http` port, one A for an instance name, an SRV for `metrics`
 * on every other app; every tenth app adds two names in the zone that do not exist (A and SRV),
 * so about 4 % of queries are NXDOMAIN. Each carries its expected answer, from the catalog.
 */
export function benchQueries(catalog: CatalogResponse, options: { zone: string; ttl: number }): BenchQuery[] {
  const { zone, ttl } = options;
  const queries: BenchQuery[] = [];
  const a = (name: string, address: string) => `${name}. ${ttl} IN A ${address}`;
  catalog.services.forEach((service, i) => {
    const appName = `${service.app}.${service.namespace}.${zone}`;
    const app: BenchQuery = {
      name: appName,
      type: 'A',
      kind: 'app',
      answer: service.instances.map((x) => a(appName, x.address)),
      additional: [],
      status: 'NOERROR',
    };
    const srv = (port: { name: string; port: number; protocol: string }): BenchQuery => {
      const name = `_${port.name}._${port.protocol === 'udp' ? 'udp' : 'tcp'}.${appName}`;
      return {
        name,
        type: 'SRV',
        kind: 'srv',
        answer: service.instances.map((x) => `${name}. ${ttl} IN SRV 0 10 ${port.port} ${x.id}.${zone}.`),
        additional: service.instances.map((x) => a(`${x.id}.${zone}`, x.address)),
        status: 'NOERROR',
      };
    };
    const instance = service.instances[i % service.instances.length];
    queries.push(app);
    if (service.ports[0]) queries.push(srv(service.ports[0]));
    if (instance) {
      const name = `${instance.id}.${zone}`;
      queries.push({ name, type: 'A', kind: 'instance', answer: [a(name, instance.address)], additional: [], status: 'NOERROR' });
    }
    queries.push(app);
    if (i % 2 === 1 && service.ports[1]) queries.push(srv(service.ports[1]));
    if (i % 10 === 0) {
      const none = { kind: 'nxdomain' as const, answer: [], additional: [], status: 'NXDOMAIN' as const };
      queries.push({ ...none, name: `missing-${i}.${service.namespace}.${zone}`, type: 'A' });
      queries.push({ ...none, name: `_nope._tcp.${appName}`, type: 'SRV' });
    }
  });
  return queries;
}

/** dnsperf's input: one `name type` per line. */
export function dnsperfQueryFile(queries: readonly BenchQuery[]): string {
  return queries.map((q) => `${q.name} ${q.type}\n`).join('');
}
