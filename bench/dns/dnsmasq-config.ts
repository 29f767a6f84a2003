import type { CatalogResponse } from '../../src/api/catalog.js';

/**
 * dnsmasq's conf file with the records bubo derives from `catalog` (see src/dns/README.md):
 * a `host-record` per app name and instance address, and per port and instance a `srv-host`
 * with bubo's priority 0 and weight 10. Repeated host-records of one name answer all addresses.
 */
export function dnsmasqConfig(catalog: CatalogResponse, zone: string): string {
  const lines: string[] = [];
  for (const service of catalog.services) {
    const appName = `${service.app}.${service.namespace}.${zone}`;
    for (const instance of service.instances) {
      lines.push(`host-record=${appName},${instance.address}`);
      lines.push(`host-record=${instance.id}.${zone},${instance.address}`);
    }
    for (const port of service.ports) {
      const transport = port.protocol === 'udp' ? 'udp' : 'tcp';
      for (const instance of service.instances) {
        lines.push(`srv-host=_${port.name}._${transport}.${appName},${instance.id}.${zone},${port.port},0,10`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface DnsmasqArgvOptions {
  binary?: string;
  confFile: string;
  pidFile: string;
  port: number;
  zone: string;
  ttl: number;
}

/**
 * dnsmasq in the foreground on 127.0.0.1 only, answering the zone from its conf file alone:
 * no resolv.conf, no /etc/hosts, and `--local` so a name of the zone it lacks is NXDOMAIN
 * instead of forwarded. `--local-ttl` gives its records bubo's TTL, so answers compare equal.
 */
export function dnsmasqArgv(o: DnsmasqArgvOptions): [string, ...string[]] {
  return [
    o.binary ?? '/usr/sbin/dnsmasq',
    '--no-daemon',
    '--no-resolv',
    '--no-hosts',
    `--conf-file=${o.confFile}`,
    `--pid-file=${o.pidFile}`,
    '--user=nobody',
    '--group=nogroup',
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    `--port=${o.port}`,
    `--local=/${o.zone}/`,
    `--local-ttl=${o.ttl}`,
    // Local records are not cached entries; the cache only matters for forwarded names.
    '--cache-size=1000',
  ];
}
