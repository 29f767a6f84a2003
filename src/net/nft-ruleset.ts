import { compareIpv4 } from '../domain/compare-ipv4.js';
import type { Command } from '../exec/command.js';

/** The nftables tables bubo owns entirely: `ip bubo` (NAT, routed traffic) and `bridge bubo`. */
export const NFT_TABLE = 'bubo';

export interface RulesetInput {
  /** The host's instance subnet, e.g. `10.88.1.0/24`. */
  subnet: string;
  /** Traffic to these addresses keeps its source (other hosts' instances); the rest is masqueraded. */
  clusterCidr: string;
  /** Local instance addresses by bubo namespace. */
  namespaces: ReadonlyMap<string, readonly string[]>;
  /** The bridge: routed traffic from it must come from `subnet` (no spoofed sources). */
  bridge?: string;
  /** Every host's address: they may connect to any local instance (load balancers, checks). */
  hostAddresses?: readonly string[];
  /** Every live instance address of the cluster by bubo namespace (the catalog's map). */
  clusterNamespaces?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Renders the whole of bubo's nftables state. Each table is first added (a no-op if it exists)
 * and deleted, then declared, all in one `nft -f` transaction: applying the text twice gives the
 * same ruleset, and a hand-edited or missing table comes back as rendered.
 *
 * Namespace isolation has two halves:
 * - Switched traffic (instances of this host share the bridge) is filtered in the `bridge`
 *   table: one rule per namespace drops IPv4 from its addresses to the other namespaces'
 *   addresses on this host.
 * - Routed traffic into this host's subnet (from other hosts, the uplink, other bridges) passes
 *   the `ip` table's `to_instances` chain, an allow-list that fails closed: replies of
 *   connections instances opened, any host address (a load balancer on another host proxies from
 *   its host address; health checks), and for a local instance of namespace X the addresses of
 *   X's instances cluster-wide. Everything else is dropped: an unknown source inside the cluster
 *   CIDR, and the outside world, which reaches instances only through a load balancer.
 *   Instances' own traffic out is not filtered (masqueraded beyond the cluster CIDR).
 */
export function renderRuleset(input: RulesetInput): string {
  const namespaces = [...input.namespaces.entries()].filter(([, a]) => a.length > 0).sort(([a], [b]) => a.localeCompare(b));
  const isolation = namespaces.flatMap(([name, own]) => {
    const others = namespaces.filter(([other]) => other !== name).flatMap(([, a]) => a);
    if (others.length === 0) return [];
    return [`\t\tip saddr ${addressSet(own)} ip daddr ${addressSet(others)} drop comment "namespace ${name}"`];
  });
  const cluster = input.clusterNamespaces ?? {};
  const allowed = namespaces.map(([name, own]) => {
    const peers = [...new Set([...own, ...(cluster[name] ?? [])])];
    return `\t\tip daddr ${addressSet(own)} ip saddr ${addressSet(peers)} accept comment "namespace ${name}"`;
  });
  const hosts = [...new Set(input.hostAddresses ?? [])];
  return [
    `table ip ${NFT_TABLE}`,
    `delete table ip ${NFT_TABLE}`,
    `table ip ${NFT_TABLE} {`,
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    `\t\tip saddr ${input.subnet} ip daddr != ${input.clusterCidr} masquerade`,
    '\t}',
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter; policy accept;',
    ...(input.bridge ? [`\t\tiifname "${input.bridge}" ip saddr != ${input.subnet} drop comment "not an address of this bridge"`] : []),
    '\t\tct state established,related accept',
    `\t\tip daddr ${input.subnet} jump to_instances`,
    '\t}',
    '\tchain to_instances {',
    ...(hosts.length > 0 ? [`\t\tip saddr ${addressSet(hosts)} accept comment "hosts"`] : []),
    ...allowed,
    '\t\tdrop comment "instances accept only their namespace and hosts"',
    '\t}',
    '}',
    `table bridge ${NFT_TABLE}`,
    `delete table bridge ${NFT_TABLE}`,
    `table bridge ${NFT_TABLE} {`,
    '\tchain namespace_isolation {',
    '\t\ttype filter hook forward priority filter; policy accept;',
    ...isolation,
    '\t}',
    '}',
    '',
  ].join('\n');
}

function addressSet(addresses: readonly string[]): string {
  return `{ ${[...addresses].sort(compareIpv4).join(', ')} }`;
}


/** Applies a rendered ruleset atomically from standard input. */
export function applyRuleset(ruleset: string): Command {
  return { argv: ['nft', '-f', '-'], input: ruleset };
}

/** Removes both of bubo's tables in one transaction; a missing table is fine (each is added first). */
export function removeRuleset(): Command {
  const tables = [`ip ${NFT_TABLE}`, `bridge ${NFT_TABLE}`];
  return { argv: ['nft', '-f', '-'], input: `${tables.flatMap((t) => [`table ${t}`, `delete table ${t}`]).join('\n')}\n` };
}
