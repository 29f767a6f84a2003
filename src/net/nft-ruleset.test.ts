import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyRuleset, removeRuleset, type RulesetInput, renderRuleset } from './nft-ruleset.js';

const header = `table ip bubo
delete table ip bubo
table ip bubo {
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
`;
const bridgeTable = `table bridge bubo
delete table bridge bubo
table bridge bubo {
\tchain namespace_isolation {
\t\ttype filter hook forward priority filter; policy accept;
`;
const dropRest = '\t\tdrop comment "instances accept only their namespace and hosts"\n\t}\n}\n';

/** The rules of one chain of the rendered text (between its header and its closing brace). */
function chain(text: string, name: string): string[] {
  const start = text.indexOf(`\tchain ${name} {\n`);
  const end = text.indexOf('\n\t}', start);
  return text.slice(start, end).split('\n').slice(1).filter((l) => !l.includes(' hook '));
}

describe('renderRuleset', () => {
  it.each([
    ['renders no isolation rules when there are no instances', new Map<string, string[]>(), '', ''],
    [
      'renders no isolation rules when every instance shares one namespace',
      new Map([['shop', ['10.88.1.2', '10.88.1.3']]]),
      '\t\tip daddr { 10.88.1.2, 10.88.1.3 } ip saddr { 10.88.1.2, 10.88.1.3 } accept comment "namespace shop"\n',
      '',
    ],
    [
      'renders one drop rule per namespace towards the other namespaces, sorted',
      new Map([
        ['shop', ['10.88.1.10', '10.88.1.2']],
        ['blog', ['10.88.1.3']],
        ['empty', []],
      ]),
      '\t\tip daddr { 10.88.1.3 } ip saddr { 10.88.1.3 } accept comment "namespace blog"\n' +
        '\t\tip daddr { 10.88.1.2, 10.88.1.10 } ip saddr { 10.88.1.2, 10.88.1.10 } accept comment "namespace shop"\n',
      '\t\tip saddr { 10.88.1.3 } ip daddr { 10.88.1.2, 10.88.1.10 } drop comment "namespace blog"\n' +
        '\t\tip saddr { 10.88.1.2, 10.88.1.10 } ip daddr { 10.88.1.3 } drop comment "namespace shop"\n',
    ],
  ])('%s', (_name, namespaces, allowed, isolation) => {
    expect(renderRuleset({ subnet: '10.88.1.0/24', clusterCidr: '10.88.0.0/16', namespaces })).toBe(`${header}${allowed}${dropRest}${bridgeTable}${isolation}\t}\n}\n`);
  });

  const cluster: RulesetInput = {
    subnet: '10.88.1.0/24',
    clusterCidr: '10.88.0.0/16',
    bridge: 'bubo0',
    namespaces: new Map([
      ['default', ['10.88.1.2']],
      ['other', ['10.88.1.3']],
    ]),
    hostAddresses: ['192.0.2.2', '192.0.2.1', '192.0.2.3', '192.0.2.2'],
    clusterNamespaces: { default: ['10.88.2.5', '10.88.1.2', '10.88.3.9'], other: ['10.88.2.6'], idle: ['10.88.3.4'] },
  };

  it('accepts routed traffic into a local instance only from its namespace cluster-wide, from hosts and as replies; drops the rest', () => {
    const text = renderRuleset(cluster);
    expect(chain(text, 'forward')).toEqual([
      '\t\tiifname "bubo0" ip saddr != 10.88.1.0/24 drop comment "not an address of this bridge"',
      '\t\tct state established,related accept',
      '\t\tip daddr 10.88.1.0/24 jump to_instances',
    ]);
    expect(chain(text, 'to_instances')).toEqual([
      '\t\tip saddr { 192.0.2.1, 192.0.2.2, 192.0.2.3 } accept comment "hosts"',
      '\t\tip daddr { 10.88.1.2 } ip saddr { 10.88.1.2, 10.88.2.5, 10.88.3.9 } accept comment "namespace default"',
      '\t\tip daddr { 10.88.1.3 } ip saddr { 10.88.1.3, 10.88.2.6 } accept comment "namespace other"',
      '\t\tdrop comment "instances accept only their namespace and hosts"',
    ]);
  });

  it('keeps masquerading only what leaves the cluster CIDR, and the bridge isolation as before', () => {
    const text = renderRuleset(cluster);
    expect(chain(text, 'postrouting')).toEqual(['\t\tip saddr 10.88.1.0/24 ip daddr != 10.88.0.0/16 masquerade']);
    expect(text).toContain('ip saddr { 10.88.1.2 } ip daddr { 10.88.1.3 } drop comment "namespace default"');
  });

  it('renders the same text whatever the order of its input', () => {
    const shuffled = { ...cluster, hostAddresses: [...cluster.hostAddresses!].reverse(), clusterNamespaces: { idle: ['10.88.3.4'], other: ['10.88.2.6'], default: ['10.88.3.9', '10.88.2.5', '10.88.1.2'] } };
    expect(renderRuleset(shuffled)).toBe(renderRuleset(cluster));
  });

  it('applies the ruleset atomically through nft -f from standard input', () => {
    expect(applyRuleset('table ip bubo {}\n')).toEqual({ argv: ['nft', '-f', '-'], input: 'table ip bubo {}\n' });
  });

  const canCheck = process.getuid?.() === 0 && existsSync('/usr/sbin/nft');
  it.skipIf(!canCheck)('is accepted by nft itself (nft -c, root only)', async () => {
    for (const input of [cluster, { ...cluster, hostAddresses: [], clusterNamespaces: {}, namespaces: new Map() }]) {
      const checked = await new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = execFile('/usr/sbin/nft', ['-c', '-f', '-'], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
        child.stdin!.end(renderRuleset(input));
      });
      expect(checked).toEqual({ code: 0, stderr: '' });
    }
  });
});

describe('removeRuleset', () => {
  it('deletes both tables in one transaction, each added first so a missing one is no error', () => {
    expect(removeRuleset()).toEqual({ argv: ['nft', '-f', '-'], input: 'table ip bubo\ndelete table ip bubo\ntable bridge bubo\ndelete table bridge bubo\n' });
  });
});
