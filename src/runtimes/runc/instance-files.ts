/** `/etc/resolv.conf` for an instance: the network's DNS server. */
export function resolvConf(dns: string): string {
  return `nameserver ${dns}\noptions ndots:1\n`;
}

/** `/etc/hosts` for an instance: localhost plus the instance hostname → its address. */
export function hostsFile(hostname: string, address: string): string {
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${address}\t${hostname}\n`;
}
