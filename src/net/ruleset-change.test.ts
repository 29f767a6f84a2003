import { describe, expect, it } from 'vitest';
import { canCheckNft, nftCheck } from '../../test/support/nft-check.js';
import { planRuleset, type Ruleset, type RulesetInput } from './nft-ruleset.js';
import { rulesetChange } from './ruleset-change.js';

const base = { subnet: '10.88.1.0/24', clusterCidr: '10.88.0.0/16' };


describe('rulesetChange', () => {
  const one = planRuleset({ ...base, namespaces: new Map([['shop', ['10.88.1.2']]]) });
  const cases: { name: string; applied: Ruleset | undefined; next: RulesetInput; expected: string | undefined | 'whole' }[] = [
    { name: 'nothing applied yet: the whole text', applied: undefined, next: { ...base, namespaces: new Map([['shop', ['10.88.1.2']]]) }, expected: 'whole' },
    { name: 'the same ruleset: nothing to do', applied: one, next: { ...base, namespaces: new Map([['shop', ['10.88.1.2']]]) }, expected: undefined },
    {
      name: 'an instance joins its namespace: elements added only',
      applied: one,
      next: { ...base, namespaces: new Map([['shop', ['10.88.1.2', '10.88.1.3']]]) },
      expected: 'add element ip bubo ns0_local { 10.88.1.3 }\nadd element ip bubo ns0_peers { 10.88.1.3 }\n',
    },
    {
      name: 'a host joins and a peer leaves: elements added and deleted',
      applied: planRuleset({ ...base, namespaces: new Map([['shop', ['10.88.1.2']]]), clusterNamespaces: { shop: ['10.88.2.9'] } }),
      next: { ...base, namespaces: new Map([['shop', ['10.88.1.2']]]), hostAddresses: ['192.0.2.7'] },
      expected: 'add element ip bubo hosts { 192.0.2.7 }\ndelete element ip bubo ns0_peers { 10.88.2.9 }\n',
    },
    { name: 'a second namespace (new sets and rules): the whole text', applied: one, next: { ...base, namespaces: new Map([['shop', ['10.88.1.2']], ['blog', ['10.88.1.3']]]) }, expected: 'whole' },
    {
      name: 'the last instance of a namespace leaves, the namespace kept: elements deleted only',
      applied: one,
      next: { ...base, namespaces: new Map([['shop', []]]) },
      expected: 'delete element ip bubo ns0_local { 10.88.1.2 }\ndelete element ip bubo ns0_peers { 10.88.1.2 }\n',
    },
    { name: 'the namespace goes (its rule goes): the whole text', applied: one, next: { ...base, namespaces: new Map() }, expected: 'whole' },
  ];
  it.each(cases)('$name', ({ applied, next, expected }) => {
    const plan = planRuleset(next);
    expect(rulesetChange(applied, plan)).toBe(expected === 'whole' ? plan.text : expected);
  });

  it.skipIf(!canCheckNft)('gives changes nft accepts (nft -c against the applied ruleset is not possible: checked as syntax)', async () => {
    const change = rulesetChange(one, planRuleset({ ...base, namespaces: new Map([['shop', ['10.88.1.2', '10.88.1.3']]]), hostAddresses: ['192.0.2.1'] }))!;
    expect(await nftCheck(`${one.text}${change}`)).toEqual({ code: 0, stderr: '' });
  });
});
