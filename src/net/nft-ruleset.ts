import { compareIpv4 } from '../domain/compare-ipv4.js';
import type { Command } from '../exec/command.js';

/** The nftables tables bubo owns entirely: `ip bubo` (NAT, routed traffic) and `bridge bubo`. */
export const NFT_TABLE = 'bubo';

export interface RulesetInput {
  /** The host's instance subnet, e.g. `10.88.1.0/24`. */
  subnet: string;
  /** Traffic to these addresses keeps its source (other hosts' instances); the rest is masqueraded. */
  clusterCidr: string;
  /**
   * Local instance addresses by bubo namespace. A namespace with none still gets its (empty)
   * sets and rules, which match nothing: kept, its next instance is an element change only.
   */
  namespaces: ReadonlyMap<string, readonly string[]>;
  /** The bridge: routed traffic from it must come from `subnet` (no spoofed sources). */
  bridge?: string;
  /** Every host's address: they may connect to any local instance (load balancers, checks). */
  hostAddresses?: readonly string[];
  /** Every live instance address of the cluster by bubo namespace (the catalog's map). */
  clusterNamespaces?: Readonly<Record<string, readonly string[]>>;
}

/** A rendered ruleset: its text, and its address sets apart, so a later one can be applied as a change. */
export interface Ruleset {
  /** The whole ruleset, for `nft -f`: both tables deleted and declared again. */
  text: string;
  /** The text without the sets' elements: two rulesets with the same skeleton differ only in elements. */
  skeleton: string;
  /** Each named set's addresses, sorted, by `family set-name`, e.g. `ip hosts`. */
  sets: ReadonlyMap<string, readonly string[]>;
}

/**
 * Renders the whole of bubo's nftables state. Each table is first added (a no-op if it exists)
 * and deleted, then declared, all in one `nft -f` transaction: applying the text twice gives the
 * same ruleset, and a hand-edited or missing table comes back as rendered. Addresses live in
 * named sets, so that an instance coming or going changes elements only (`ruleset-change.ts`).
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
export function planRuleset(input: RulesetInput): Ruleset {
  const namespaces = [...input.namespaces.entries()].sort(([a], [b]) => a.localeCompare(b));
  const cluster = input.clusterNamespaces ?? {};
  // Sets are named by the namespace's position (a name need not be an nft identifier); the
  // comments name the namespace, so a different list of namespaces is a different skeleton.
  const ipSets = new Map<string, string[]>([['hosts', unique(input.hostAddresses ?? [])]]);
  const bridgeSets = new Map<string, string[]>();
  const allowed: string[] = [];
  const isolation: string[] = [];
  for (const [i, [name, own]] of namespaces.entries()) {
    ipSets.set(`ns${i}_local`, unique(own));
    ipSets.set(`ns${i}_peers`, unique([...own, ...(cluster[name] ?? [])]));
    allowed.push(`\t\tip daddr @ns${i}_local ip saddr @ns${i}_peers accept comment "namespace ${name}"`);
    if (namespaces.length < 2) continue;
    bridgeSets.set(`ns${i}_own`, unique(own));
    bridgeSets.set(`ns${i}_others`, unique(namespaces.filter(([other]) => other !== name).flatMap(([, a]) => a)));
    isolation.push(`\t\tip saddr @ns${i}_own ip daddr @ns${i}_others drop comment "namespace ${name}"`);
  }
  const render = (elements: boolean) =>
    [
      `table ip ${NFT_TABLE}`,
      `delete table ip ${NFT_TABLE}`,
      `table ip ${NFT_TABLE} {`,
      ...declareSets(ipSets, elements),
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
      '\t\tip saddr @hosts accept comment "hosts"',
      ...allowed,
      '\t\tdrop comment "instances accept only their namespace and hosts"',
      '\t}',
      '}',
      `table bridge ${NFT_TABLE}`,
      `delete table bridge ${NFT_TABLE}`,
      `table bridge ${NFT_TABLE} {`,
      ...declareSets(bridgeSets, elements),
      '\tchain namespace_isolation {',
      '\t\ttype filter hook forward priority filter; policy accept;',
      ...isolation,
      '\t}',
      '}',
      '',
    ].join('\n');
  const sets = new Map<string, string[]>([...[...ipSets].map(([k, v]) => [`ip ${k}`, v] as const), ...[...bridgeSets].map(([k, v]) => [`bridge ${k}`, v] as const)]);
  return { text: render(true), skeleton: render(false), sets };
}

/** The whole ruleset's text (`planRuleset(input).text`). */
export function renderRuleset(input: RulesetInput): string {
  return planRuleset(input).text;
}

function declareSets(sets: ReadonlyMap<string, readonly string[]>, elements: boolean): string[] {
  return [...sets].map(([name, addresses]) => `\tset ${name} { type ipv4_addr;${elements && addresses.length > 0 ? ` elements = { ${addresses.join(', ')} }` : ''} }`);
}

function unique(addresses: readonly string[]): string[] {
  return [...new Set(addresses)].sort(compareIpv4);
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
