import { describe, expect, it } from 'vitest';
import { canCheckNft, nftCheck } from '../../test/support/nft-check.js';
import { applyRuleset, planRuleset, removeRuleset, type RulesetInput, renderRuleset } from './nft-ruleset.js';

/** The rules of one chain of the rendered text (between its header and its closing brace). */
function chain(text: string, name: string): string[] {
  const start = text.indexOf(`\tchain ${name} {\n`);
  const end = text.indexOf('\n\t}', start);
  return text.slice(start, end).split('\n').slice(1).filter((l) => !l.includes(' hook '));
}

/** A chain's rules with each `@set` written out as its addresses, as the kernel would match them. */
function resolved(input: RulesetInput, name: string): string[] {
  const { text, sets } = planRuleset(input);
  const family = name === 'namespace_isolation' ? 'bridge' : 'ip';
  return chain(text, name).map((rule) => rule.replace(/@(\w+)/g, (_, set: string) => `{ ${(sets.get(`${family} ${set}`) ?? ['?']).join(', ')} }`));
}

const base = { subnet: '10.88.1.0/24', clusterCidr: '10.88.0.0/16' };

describe('planRuleset', () => {
  it('renders this exact text for one namespace on one host', () => {
    expect(renderRuleset({ ...base, namespaces: new Map([['shop', ['10.88.1.3', '10.88.1.2']]]) })).toBe(`table ip bubo
delete table ip bubo
table ip bubo {
\tset hosts { type ipv4_addr; }
\tset ns0_local { type ipv4_addr; elements = { 10.88.1.2, 10.88.1.3 } }
\tset ns0_peers { type ipv4_addr; elements = { 10.88.1.2, 10.88.1.3 } }
\tchain postrouting {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tip saddr 10.88.1.0/24 ip daddr != 10.88.0.0/16 masquerade
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy accept;
\t\tct state established,related accept
\t\tip daddr 10.88.1.0/24 jump to_instances
\t}
\tchain to_instances {
\t\tip saddr @hosts accept comment "hosts"
\t\tip daddr @ns0_local ip saddr @ns0_peers accept comment "namespace shop"
\t\tdrop comment "instances accept only their namespace and hosts"
\t}
}
table bridge bubo
delete table bridge bubo
table bridge bubo {
\tchain namespace_isolation {
\t\ttype filter hook forward priority filter; policy accept;
\t}
}
`);
  });

  it.each([
    ['renders no isolation rules when there are no instances', new Map<string, string[]>(), [], []],
    [
      'renders no isolation rules when every instance shares one namespace',
      new Map([['shop', ['10.88.1.2', '10.88.1.3']]]),
      ['\t\tip daddr { 10.88.1.2, 10.88.1.3 } ip saddr { 10.88.1.2, 10.88.1.3 } accept comment "namespace shop"'],
      [],
    ],
    [
      'renders one drop rule per namespace towards the other namespaces, sorted; a namespace without instances matches nothing',
      new Map([
        ['shop', ['10.88.1.10', '10.88.1.2']],
        ['blog', ['10.88.1.3']],
        ['empty', []],
      ]),
      [
        '\t\tip daddr { 10.88.1.3 } ip saddr { 10.88.1.3 } accept comment "namespace blog"',
        '\t\tip daddr {  } ip saddr {  } accept comment "namespace empty"',
        '\t\tip daddr { 10.88.1.2, 10.88.1.10 } ip saddr { 10.88.1.2, 10.88.1.10 } accept comment "namespace shop"',
      ],
      [
        '\t\tip saddr { 10.88.1.3 } ip daddr { 10.88.1.2, 10.88.1.10 } drop comment "namespace blog"',
        '\t\tip saddr {  } ip daddr { 10.88.1.2, 10.88.1.3, 10.88.1.10 } drop comment "namespace empty"',
        '\t\tip saddr { 10.88.1.2, 10.88.1.10 } ip daddr { 10.88.1.3 } drop comment "namespace shop"',
      ],
    ],
  ])('%s', (_name, namespaces, allowed, isolation) => {
    const input = { ...base, namespaces };
    expect(resolved(input, 'to_instances')).toEqual(['\t\tip saddr {  } accept comment "hosts"', ...allowed, '\t\tdrop comment "instances accept only their namespace and hosts"']);
    expect(resolved(input, 'namespace_isolation')).toEqual(isolation);
  });

  const cluster: RulesetInput = {
    ...base,
    bridge: 'bubo0',
    namespaces: new Map([
      ['default', ['10.88.1.2']],
      ['other', ['10.88.1.3']],
    ]),
    hostAddresses: ['192.0.2.2', '192.0.2.1', '192.0.2.3', '192.0.2.2'],
    clusterNamespaces: { default: ['10.88.2.5', '10.88.1.2', '10.88.3.9'], other: ['10.88.2.6'], idle: ['10.88.3.4'] },
  };

  it('accepts routed traffic into a local instance only from its namespace cluster-wide, from hosts and as replies; drops the rest', () => {
    expect(chain(planRuleset(cluster).text, 'forward')).toEqual([
      '\t\tiifname "bubo0" ip saddr != 10.88.1.0/24 drop comment "not an address of this bridge"',
      '\t\tct state established,related accept',
      '\t\tip daddr 10.88.1.0/24 jump to_instances',
    ]);
    expect(resolved(cluster, 'to_instances')).toEqual([
      '\t\tip saddr { 192.0.2.1, 192.0.2.2, 192.0.2.3 } accept comment "hosts"',
      '\t\tip daddr { 10.88.1.2 } ip saddr { 10.88.1.2, 10.88.2.5, 10.88.3.9 } accept comment "namespace default"',
      '\t\tip daddr { 10.88.1.3 } ip saddr { 10.88.1.3, 10.88.2.6 } accept comment "namespace other"',
      '\t\tdrop comment "instances accept only their namespace and hosts"',
    ]);
  });

  it('keeps masquerading only what leaves the cluster CIDR, and the bridge isolation as before', () => {
    expect(chain(planRuleset(cluster).text, 'postrouting')).toEqual(['\t\tip saddr 10.88.1.0/24 ip daddr != 10.88.0.0/16 masquerade']);
    expect(resolved(cluster, 'namespace_isolation')).toContain('\t\tip saddr { 10.88.1.2 } ip daddr { 10.88.1.3 } drop comment "namespace default"');
  });

  it('renders the same text whatever the order of its input', () => {
    const shuffled = { ...cluster, hostAddresses: [...cluster.hostAddresses!].reverse(), clusterNamespaces: { idle: ['10.88.3.4'], other: ['10.88.2.6'], default: ['10.88.3.9', '10.88.2.5', '10.88.1.2'] } };
    expect(renderRuleset(shuffled)).toBe(renderRuleset(cluster));
  });

  it('applies the ruleset atomically through nft -f from standard input', () => {
    expect(applyRuleset('table ip bubo {}\n')).toEqual({ argv: ['nft', '-f', '-'], input: 'table ip bubo {}\n' });
  });

  it.skipIf(!canCheckNft)('is accepted by nft itself (nft -c, root only)', async () => {
    for (const input of [cluster, { ...cluster, hostAddresses: [], clusterNamespaces: {}, namespaces: new Map() }]) {
      expect(await nftCheck(renderRuleset(input))).toEqual({ code: 0, stderr: '' });
    }
  });
});


describe('removeRuleset', () => {
  it('deletes both tables in one transaction, each added first so a missing one is no error', () => {
    expect(removeRuleset()).toEqual({ argv: ['nft', '-f', '-'], input: 'table ip bubo\ndelete table ip bubo\ntable bridge bubo\ndelete table bridge bubo\n' });
  });
});
