import { describe, expect, it } from 'vitest';
import { applyRuleset, removeRuleset, renderRuleset } from './nft-ruleset.js';

const header = `table ip bubo
delete table ip bubo
table ip bubo {
\tchain postrouting {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tip saddr 10.88.1.0/24 ip daddr != 10.88.0.0/16 masquerade
\t}
\tchain forward {
\t\ttype filter hook forward priority filter; policy accept;
\t\tjump namespace_isolation
\t}
\tchain namespace_isolation {
\t}
}
table bridge bubo
delete table bridge bubo
table bridge bubo {
\tchain namespace_isolation {
\t\ttype filter hook forward priority filter; policy accept;
`;

describe('renderRuleset', () => {
  it.each([
    ['renders no isolation rules when there are no instances', new Map<string, string[]>(), ''],
    ['renders no isolation rules when every instance shares one namespace', new Map([['shop', ['10.88.1.2', '10.88.1.3']]]), ''],
    [
      'renders one drop rule per namespace towards the other namespaces, sorted',
      new Map([
        ['shop', ['10.88.1.10', '10.88.1.2']],
        ['blog', ['10.88.1.3']],
        ['empty', []],
      ]),
      '\t\tip saddr { 10.88.1.3 } ip daddr { 10.88.1.2, 10.88.1.10 } drop comment "namespace blog"\n' +
        '\t\tip saddr { 10.88.1.2, 10.88.1.10 } ip daddr { 10.88.1.3 } drop comment "namespace shop"\n',
    ],
  ])('%s', (_name, namespaces, rules) => {
    expect(renderRuleset({ subnet: '10.88.1.0/24', clusterCidr: '10.88.0.0/16', namespaces })).toBe(`${header}${rules}\t}\n}\n`);
  });

  it('applies the ruleset atomically through nft -f from standard input', () => {
    expect(applyRuleset('table ip bubo {}\n')).toEqual({ argv: ['nft', '-f', '-'], input: 'table ip bubo {}\n' });
  });
});

describe('removeRuleset', () => {
  it('deletes both tables in one transaction, each added first so a missing one is no error', () => {
    expect(removeRuleset()).toEqual({ argv: ['nft', '-f', '-'], input: 'table ip bubo\ndelete table ip bubo\ntable bridge bubo\ndelete table bridge bubo\n' });
  });
});
