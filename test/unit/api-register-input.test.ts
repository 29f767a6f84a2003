import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_LIMITS } from '../../src/api/agent-protocol.js';
import { createHarness, type Harness, registerBody } from '../support/api-harness.js';

/** A host's name, address, labels and roles end up in tables, NGINX and DNS: hostile ones are refused. */
describe('agent register input', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

  it.each([
    ['a name with ESC', { name: 'h\u001b[2J' }, 'name'],
    ['a name with NUL', { name: 'h\u0000' }, 'name'],
    ['an address with LF', { address: '10.0.0.1\nX-Injected: 1' }, 'address'],
    ['an address with CR', { address: '10.0.0.1\r' }, 'address'],
    ['a role with ESC', { roles: ['lb\u001b'] }, 'roles.0'],
    ['a role with a space', { roles: ['l b'] }, 'roles.0'],
    ['too many roles', { roles: Array.from({ length: HOST_LIMITS.roles + 1 }, (_, i) => `r${i}`) }, 'roles'],
    ['a label value with ESC', { labels: { rack: 'r1\u001b]0;owned\u0007' } }, 'labels.rack'],
    ['a label value with a C1 control', { labels: { rack: 'r1\u009b' } }, 'labels.rack'],
    ['a label name with LF', { labels: { 'ra\nck': 'r1' } }, 'labels'],
    ['too many labels', { labels: labels(HOST_LIMITS.labels + 1) }, 'labels'],
  ])('refuses %s, naming the field', async (_what, override, field) => {
    const res = await h.request('POST', '/v1/agent/register', { ...registerBody('h1', 'web'), ...override });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(res.body.details.problems.map((p: { path: string }) => p.path).join(' ')).toContain(field);
    expect(await h.store.listHosts()).toEqual([]);
  });

  it('accepts ordinary labels, roles and an IPv6 address', async () => {
    const res = await h.request('POST', '/v1/agent/register', {
      ...registerBody('h2', 'web'),
      address: '[2001:db8::1]',
      labels: { 'topology.example.com/zone': 'eu west 1', rack: 'r12' },
      roles: ['lb', 'edge-1'],
    });
    expect(res.status).toBe(200);
  });
});
